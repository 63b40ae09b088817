"""The label catalogue of the reports: every heading, label and sentence, per language.

Each language is one dict with the same keys (``EN`` and ``ID``); a report reads all of its
text from one of them, so a translated report shows no text of another language (data, such
as region names and the dataset's own source notes, stays as written). Sentences are
:meth:`str.format` templates with named fields; they hold plain text, never markup (the
HTML renderer escapes everything it inserts).

Numbers and dates are written in each language's style by a :class:`Formatter`: English
``1,234.5`` and ``5 March 2025``, Indonesian ``1.234,5`` and ``5 Maret 2025``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from ikmopt.core.errors import PolicyError

__all__ = ["CATALOGUES", "EN", "ID", "LANGUAGES", "Formatter", "catalogue"]

#: English.
EN: dict[str, Any] = {
    # ------------------------------------------------------------------ titles and headings
    "title": "IKM budget allocation plan",
    "title_scenarios": "IKM budget scenarios compared",
    "h_headline": "Headline outcomes",
    "h_allocation": "Where the money goes",
    "h_by_region": "Spend by region",
    "h_island": "Spend by island group",
    "h_program": "Program mix",
    "h_binding": "Binding constraints and their shadow prices",
    "h_equity": "Equity",
    "h_lorenz": "Lorenz curve of spend per capita",
    "h_assumptions": "Assumptions",
    "h_sources": "Data sources",
    "h_table": "Allocation table by region",
    "h_projects": "Projects built",
    "h_scen_overview": "Scenarios at a glance",
    "h_scen_change": "Change against the baseline",
    "h_scen_regions": "Spend by region and scenario",
    "h_scen_programs": "Spend by program and scenario",
    "h_scen_binding": "Binding constraints by scenario",
    "h_scen_failed": "Scenarios that failed",
    "h_scen_rules": "Rules of each scenario",
    # ------------------------------------------------------------------ header lines
    "generated": "Prepared on {date} with ikmopt {version}.",
    "dataset_line": "Dataset: {name}.",
    "objective_line": "Objective: {objective}",
    "solver_line": "Solver: {solver}.",
    "baseline_line": "Baseline scenario: {baseline}. {solved} of {total} scenarios solved.",
    "footer": "Money is in billions of rupiah (Rp bn). Prepared with ikmopt {version}.",
    # ------------------------------------------------------------------ headline cards
    "card_jobs": "Jobs created",
    "card_value_added": "Value added",
    "card_spend": "Spend against budget",
    "card_status": "Solve status",
    "spend_of_budget": "Rp {spend} bn of Rp {budget} bn ({share} of the budget)",
    "spend_no_total": "Rp {spend} bn (no total budget)",
    "per_year": "per year",
    "status_optimal": "optimal (proven)",
    "status_time_limit": "stopped at the time limit: feasible, not proven optimal",
    "status_other": "{status}",
    # ------------------------------------------------------------------ units and amounts
    "money": "Rp {n} bn",
    "unit_rp_bn": "Rp bn",
    "unit_rp_bn_year": "Rp bn per year",
    "unit_jobs": "jobs",
    "unit_rp_per_capita": "Rp per inhabitant",
    "unit_per_100k": "per 100,000 inhabitants",
    "unit_share": "share",
    "metric_jobs": "jobs",
    "metric_value_added": "value added",
    "metric_spend": "spend",
    "amount_jobs": "{n} jobs",
    "amount_value_added": "Rp {n} bn a year of value added",
    "amount_spend": "Rp {n} bn of spend",
    "amount_metric": "{n} of {metric}",
    "amount_cost": "Rp {n} bn",
    "amount_normalized": "{n} units of the normalized objective (the equivalent of {equivalent})",
    "amount_objective": "{n} objective units",
    "step_jobs": "1 job",
    "step_value_added": "Rp 1 bn a year",
    "step_metric": "1 unit",
    # ------------------------------------------------------------------ binding constraints
    "binding_intro": (
        "A shadow price is the change of the objective when a binding bound is raised by "
        "one unit, other things equal; it holds for small changes only."
    ),
    "binding_none": "No rule binds: only the absorptive capacities of the cells limit the plan.",
    "binding_more": "… and {n} more binding rows with smaller shadow prices.",
    "binding_mip": (
        "This plan includes discrete projects, so it is a mixed-integer program (MIP), and a "
        "MIP has no shadow prices. The rules that bind:"
    ),
    "binding_no_duals": "The solver returned no shadow prices for this plan. The rules that bind:",
    "binding_more_rows": "… and {n} more binding rows.",
    "name_budget_total": "total budget",
    "name_budget_group": "budget limit for {group}",
    "name_floor": "spending floor of {region}",
    "name_cap": "spending cap of {region}",
    "name_fixed": "fixed spend of {region}",
    "name_share_min": "minimum share of {group}",
    "name_share_max": "maximum share of {group}",
    "name_target_min": "{metric} target{where}",
    "name_target_max": "{metric} ceiling{where}",
    "name_generic": "{side} bound of “{rule}” ({label})",
    "name_gini": "Gini cap on {of} per capita",
    "name_equity": "equity floor of {group}",
    "of_spend": "spending",
    "note_normalized": (
        "Shadow prices are in units of the normalized objective (each metric divided by its "
        "optimum under this policy, times its weight); one unit equals {amount}."
    ),
    "note_stages": (
        "The objective is solved in stages; shadow prices refer to the last stage, with the "
        "optimum of each earlier stage held."
    ),
    "note_not_optimal": "The plan is not proven optimal; shadow prices are only indicative.",
    "lead_budget_total": "Each extra Rp 1 bn of total budget",
    "lead_budget_group": "Each extra Rp 1 bn of the budget limit for {group}",
    "lead_floor": "Raising the spending floor of {region} by Rp 1 bn",
    "lead_cap": "Raising the spending cap of {region} by Rp 1 bn",
    "lead_fixed": "Raising the fixed spend of {region} by Rp 1 bn",
    "lead_share_min": "Raising the minimum share of {group} by 1 percentage point",
    "lead_share_max": "Raising the maximum share of {group} by 1 percentage point",
    "lead_target_min": "Raising the {metric} target{where} by {step}",
    "lead_target_max": "Raising the {metric} ceiling{where} by {step}",
    "lead_generic": "Raising the {side} bound of “{rule}” ({label}) by 1",
    "lead_gini": "Raising the Gini cap on {of} per capita by 0.01",
    "note_budget_moves": ("Floors or caps given as a share of the budget rise with it: counting "
                          "them, each extra Rp 1 bn of total budget {effect} (see "
                          "result.sensitivity())."),
    "lead_equity": "Raising the equity ratio of {group} by 0.01",
    "side_lower": "lower",
    "side_upper": "upper",
    "where": " for {where}",
    "effect_gain": "adds {amount}",
    "effect_loss": "costs {amount}",
    "effect_cost_up": "raises the cost by {amount}",
    "effect_cost_down": "lowers the cost by {amount}",
    "effect_up": "raises the objective by {amount}",
    "effect_down": "lowers the objective by {amount}",
    "effect_zero": "does not change the objective at the margin",
    "sentence": "{lead} {effect}.",
    "group_kti": "Kawasan Timur Indonesia (KTI)",
    "group_kti_narrow": "narrow Kawasan Timur Indonesia (KTI without Kalimantan)",
    # ------------------------------------------------------------------ equity
    "equity_gini": (
        "Gini coefficient of spend per capita across regions: {gini} (0: the same spend per "
        "inhabitant everywhere; 1: everything in one region)."
    ),
    "equity_range": "Spend per capita ranges from Rp {low} to Rp {high} per inhabitant.",
    "equity_kti": (
        "Kawasan Timur Indonesia (KTI) receives {share} of spend and is home to {population} "
        "of the population."
    ),
    "equity_metric_gini": "Gini coefficient of {metric} per capita: {gini}.",
    "measure_gini": "Gini coefficient",
    "measure_theil": "Theil index",
    "measure_cv": "Coefficient of variation",
    "measure_min_per_capita": "Lowest per capita",
    "measure_max_per_capita": "Highest per capita",
    # ------------------------------------------------------------------ assumptions
    "assume_intro": "The plan follows these rules:",
    "assume_data": (
        "Rows marked ILLUSTRATIVE in the data sources are assumptions, not estimates "
        "(impact coefficients, capacities); replace them with your own before deciding."
    ),
    "sources_none": "The dataset has no sources table.",
    "sources_as_written": "Definitions, sources and notes are given as the dataset states them.",
    "illustrative": "ILLUSTRATIVE",
    "rule_budget_total": "Total budget of at most Rp {total} bn.",
    "rule_budget_total_all": "The whole budget of Rp {total} bn is spent.",
    "rule_budget_group": "Budget for {group} of at most Rp {limit} bn.",
    "rule_floor": "{who}: at least {value}.",
    "rule_cap": "{who}: at most {value}.",
    "every": "every {level}",
    "level_region": "region",
    "value_share_of_budget": "{pct} of the budget",
    "value_per_capita": "Rp {n} per inhabitant",
    "rule_share_min": "{group} receives at least {pct} of spend.",
    "rule_share_max": "{group} receives at most {pct} of spend.",
    "rule_target_min": "Target: {metric}{where} of at least {value}.",
    "rule_target_max": "Limit: {metric}{where} of at most {value}.",
    "rule_gini": "Gini coefficient of {of} per capita across {by}s of at most {max}.",
    "rule_outcome_equity": (
        "In every {by}, {metric} per capita is at least {ratio} of the national level."
    ),
    "rule_ramp": "From one year to the next, each {by}'s spend changes by at most {limit}.",
    "ramp_relative": "{pct} of the previous year's spend",
    "rule_projects_min": "Projects built {where}: at least {n}.",
    "rule_projects_max": "Projects built {where}: at most {n}.",
    "where_total": "in total",
    "where_each": "per {level}",
    "where_key": "for {key}",
    "rule_other": "{text}",
    "obj_maximize": "maximize {metric}.",
    "obj_weighted": "maximize {terms}, each metric divided by its optimum under this policy.",
    "obj_weighted_raw": "maximize {terms}.",
    "obj_mincost": "the lowest spend that meets the targets listed below.",
    "rule_accrual": (
        "Outcomes are counted over the plan years with survival {survival} and a discount "
        "rate of {discount} a year."
    ),
    "obj_other": "{text}.",
    "obj_term": "{weight} × {metric}",
    # ------------------------------------------------------------------ table headers
    "col_region": "Region",
    "col_program": "Program",
    "col_program_name": "Program name",
    "col_island_group": "Island group",
    "col_sector": "Sector",
    "col_year": "Year",
    "col_spend": "Spend (Rp bn)",
    "col_share": "Share of spend",
    "col_population": "Population",
    "col_spend_pc": "Spend per capita (Rp)",
    "col_jobs": "Jobs",
    "col_value_added": "Value added (Rp bn per year)",
    "col_metric": "{metric} ({unit})",
    "col_capacity": "Capacity (Rp bn)",
    "col_at_capacity": "At capacity",
    "col_rule": "Rule",
    "col_family": "Family",
    "col_row": "Row",
    "col_activity": "Activity",
    "col_lower": "Lower bound",
    "col_upper": "Upper bound",
    "col_slack": "Slack",
    "col_shadow": "Shadow price",
    "col_binding": "Binding",
    "col_in_words": "In words",
    "col_item": "Item",
    "col_value": "Value",
    "col_unit": "Unit",
    "col_of": "Per-capita quantity",
    "col_table": "Table",
    "col_column": "Column",
    "col_definition": "Definition",
    "col_source_year": "Year",
    "col_source": "Source",
    "col_note": "Note",
    "col_illustrative": "Illustrative",
    "col_project": "Project",
    "col_cost": "Cost (Rp bn)",
    "col_built": "Built",
    "col_scenario": "Scenario",
    "col_status": "Status",
    "col_objective_value": "Objective value",
    "col_change_pct": "Change in {what} (%)",
    "col_baseline": "Baseline",
    "col_difference": "Difference",
    "col_scenario_spend": "{scenario}: spend (Rp bn)",
    "col_diff_vs": "{scenario}: change (Rp bn)",
    "col_error_type": "Error type",
    "col_error": "Message",
    "col_measure": "Measure",
    "yes": "yes",
    "no": "no",
    # ------------------------------------------------------------------ summary sheet items
    "item_date": "Date",
    "item_dataset": "Dataset",
    "item_status": "Solve status",
    "item_solver": "Solver",
    "item_objective": "Objective",
    "item_objective_value": "Objective value",
    "item_spend": "Spend",
    "item_budget": "Total budget",
    "item_budget_used": "Share of the budget spent",
    "item_gini": "Gini coefficient of spend per capita",
    "item_baseline": "Baseline scenario",
    # ------------------------------------------------------------------ sheet names
    "sheet_summary": "summary",
    "sheet_outcomes": "outcomes",
    "sheet_allocation": "allocation",
    "sheet_by_region": "by_region",
    "sheet_by_program": "by_program",
    "sheet_constraints": "constraints",
    "sheet_equity": "equity",
    "sheet_sources": "sources",
    "sheet_assumptions": "assumptions",
    "sheet_projects": "projects",
    "sheet_shadow_prices": "shadow_prices",
    "sheet_errors": "errors",
    # ------------------------------------------------------------------ charts
    "chart_top": "{title} (top {n} of {total})",
    "chart_lorenz_x": "Cumulative share of population",
    "chart_lorenz_y": "Cumulative share of spend",
    "chart_equality": "Perfect equality",
    "chart_lorenz": "Lorenz curve (Gini {gini})",
    "chart_change": "Change against {baseline} (%)",
    "chart_alt": "Chart: {title}",
    # ------------------------------------------------------------------ dates
    "date": "{day} {month} {year}",
    "months": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    # ------------------------------------------------------------------ number style
    "thousands": ",",
    "decimal": ".",
}

#: Bahasa Indonesia.
ID: dict[str, Any] = {
    "title": "Rencana alokasi anggaran IKM",
    "title_scenarios": "Perbandingan skenario anggaran IKM",
    "h_headline": "Hasil utama",
    "h_allocation": "Sebaran anggaran",
    "h_by_region": "Belanja per wilayah",
    "h_island": "Belanja per kelompok pulau",
    "h_program": "Komposisi program",
    "h_binding": "Kendala yang mengikat dan harga bayangannya",
    "h_equity": "Pemerataan",
    "h_lorenz": "Kurva Lorenz belanja per kapita",
    "h_assumptions": "Asumsi",
    "h_sources": "Sumber data",
    "h_table": "Tabel alokasi per wilayah",
    "h_projects": "Proyek yang dibangun",
    "h_scen_overview": "Ringkasan skenario",
    "h_scen_change": "Perubahan terhadap skenario dasar",
    "h_scen_regions": "Belanja per wilayah dan skenario",
    "h_scen_programs": "Belanja per program dan skenario",
    "h_scen_binding": "Kendala yang mengikat per skenario",
    "h_scen_failed": "Skenario yang gagal",
    "h_scen_rules": "Aturan setiap skenario",
    "generated": "Disusun pada {date} dengan ikmopt {version}.",
    "dataset_line": "Kumpulan data: {name}.",
    "objective_line": "Tujuan: {objective}",
    "solver_line": "Pemecah (solver): {solver}.",
    "baseline_line": (
        "Skenario dasar: {baseline}. {solved} dari {total} skenario berhasil diselesaikan."
    ),
    "footer": "Nilai uang dalam miliar rupiah (Rp miliar). Disusun dengan ikmopt {version}.",
    "card_jobs": "Lapangan kerja baru",
    "card_value_added": "Nilai tambah",
    "card_spend": "Belanja terhadap anggaran",
    "card_status": "Status penyelesaian",
    "spend_of_budget": "Rp {spend} miliar dari Rp {budget} miliar ({share} anggaran)",
    "spend_no_total": "Rp {spend} miliar (tanpa total anggaran)",
    "per_year": "per tahun",
    "status_optimal": "optimal (terbukti)",
    "status_time_limit": "berhenti pada batas waktu: layak, belum terbukti optimal",
    "status_other": "{status}",
    "money": "Rp {n} miliar",
    "unit_rp_bn": "Rp miliar",
    "unit_rp_bn_year": "Rp miliar per tahun",
    "unit_jobs": "lapangan kerja",
    "unit_rp_per_capita": "Rp per penduduk",
    "unit_per_100k": "per 100.000 penduduk",
    "unit_share": "pangsa",
    "metric_jobs": "lapangan kerja",
    "metric_value_added": "nilai tambah",
    "metric_spend": "belanja",
    "amount_jobs": "{n} lapangan kerja",
    "amount_value_added": "nilai tambah Rp {n} miliar per tahun",
    "amount_spend": "belanja Rp {n} miliar",
    "amount_metric": "{metric} sebesar {n}",
    "amount_cost": "Rp {n} miliar",
    "amount_normalized": "{n} satuan tujuan ternormalisasi (setara {equivalent})",
    "amount_objective": "{n} satuan nilai tujuan",
    "step_jobs": "1 lapangan kerja",
    "step_value_added": "Rp 1 miliar per tahun",
    "step_metric": "1 satuan",
    "binding_intro": (
        "Harga bayangan adalah perubahan nilai tujuan bila batas yang mengikat dinaikkan "
        "satu satuan, hal lain tetap; hanya berlaku untuk perubahan kecil."
    ),
    "binding_none": (
        "Tidak ada aturan yang mengikat: rencana hanya dibatasi oleh kapasitas serap sel."
    ),
    "binding_more": "… dan {n} baris mengikat lainnya dengan harga bayangan lebih kecil.",
    "binding_mip": (
        "Rencana ini memuat proyek diskret sehingga merupakan program bilangan bulat "
        "campuran (MIP), dan MIP tidak memiliki harga bayangan. Aturan yang mengikat:"
    ),
    "binding_no_duals": (
        "Pemecah tidak menghasilkan harga bayangan untuk rencana ini. Aturan yang mengikat:"
    ),
    "binding_more_rows": "… dan {n} baris mengikat lainnya.",
    "name_budget_total": "total anggaran",
    "name_budget_group": "batas anggaran untuk {group}",
    "name_floor": "batas bawah belanja {region}",
    "name_cap": "batas atas belanja {region}",
    "name_fixed": "belanja tetap {region}",
    "name_share_min": "pangsa minimum {group}",
    "name_share_max": "pangsa maksimum {group}",
    "name_target_min": "target {metric}{where}",
    "name_target_max": "batas atas {metric}{where}",
    "name_generic": "batas {side} “{rule}” ({label})",
    "name_gini": "batas Gini {of} per kapita",
    "name_equity": "batas bawah pemerataan {group}",
    "of_spend": "belanja",
    "note_normalized": (
        "Harga bayangan dinyatakan dalam satuan tujuan ternormalisasi (setiap metrik dibagi "
        "nilai optimumnya di bawah kebijakan ini, dikali bobotnya); satu satuan setara dengan "
        "{amount}."
    ),
    "note_stages": (
        "Tujuan diselesaikan secara bertahap; harga bayangan mengacu pada tahap terakhir, "
        "dengan nilai optimum setiap tahap sebelumnya dipertahankan."
    ),
    "note_not_optimal": "Rencana belum terbukti optimal; harga bayangan hanya indikatif.",
    "lead_budget_total": "Setiap tambahan Rp 1 miliar pada total anggaran",
    "lead_budget_group": "Setiap tambahan Rp 1 miliar pada batas anggaran untuk {group}",
    "lead_floor": "Menaikkan batas bawah belanja {region} sebesar Rp 1 miliar",
    "lead_cap": "Menaikkan batas atas belanja {region} sebesar Rp 1 miliar",
    "lead_fixed": "Menaikkan belanja tetap {region} sebesar Rp 1 miliar",
    "lead_share_min": "Menaikkan pangsa minimum {group} sebesar 1 poin persentase",
    "lead_share_max": "Menaikkan pangsa maksimum {group} sebesar 1 poin persentase",
    "lead_target_min": "Menaikkan target {metric}{where} sebesar {step}",
    "lead_target_max": "Menaikkan batas atas {metric}{where} sebesar {step}",
    "lead_generic": "Menaikkan batas {side} “{rule}” ({label}) sebesar 1",
    "lead_gini": "Menaikkan batas Gini {of} per kapita sebesar 0,01",
    "note_budget_moves": ("Batas bawah atau atas yang ditetapkan sebagai pangsa anggaran ikut "
                          "naik bersama anggaran: dengan memperhitungkannya, setiap tambahan "
                          "Rp 1 miliar pada total anggaran {effect} (lihat "
                          "result.sensitivity())."),
    "lead_equity": "Menaikkan rasio pemerataan {group} sebesar 0,01",
    "side_lower": "bawah",
    "side_upper": "atas",
    "where": " untuk {where}",
    "effect_gain": "menambah {amount}",
    "effect_loss": "mengurangi {amount}",
    "effect_cost_up": "menaikkan biaya sebesar {amount}",
    "effect_cost_down": "menurunkan biaya sebesar {amount}",
    "effect_up": "menaikkan nilai tujuan sebesar {amount}",
    "effect_down": "menurunkan nilai tujuan sebesar {amount}",
    "effect_zero": "tidak mengubah nilai tujuan pada margin",
    "sentence": "{lead} {effect}.",
    "group_kti": "Kawasan Timur Indonesia (KTI)",
    "group_kti_narrow": "Kawasan Timur Indonesia dalam arti sempit (KTI tanpa Kalimantan)",
    "equity_gini": (
        "Koefisien Gini belanja per kapita antarwilayah: {gini} (0: belanja per penduduk "
        "sama di semua wilayah; 1: seluruhnya di satu wilayah)."
    ),
    "equity_range": "Belanja per kapita berkisar dari Rp {low} hingga Rp {high} per penduduk.",
    "equity_kti": (
        "Kawasan Timur Indonesia (KTI) menerima {share} belanja dan dihuni oleh {population} "
        "penduduk."
    ),
    "equity_metric_gini": "Koefisien Gini {metric} per kapita: {gini}.",
    "measure_gini": "Koefisien Gini",
    "measure_theil": "Indeks Theil",
    "measure_cv": "Koefisien variasi",
    "measure_min_per_capita": "Terendah per kapita",
    "measure_max_per_capita": "Tertinggi per kapita",
    "assume_intro": "Rencana ini mengikuti aturan berikut:",
    "assume_data": (
        "Baris bertanda ILUSTRATIF pada sumber data adalah asumsi, bukan estimasi (koefisien "
        "dampak, kapasitas serap); ganti dengan estimasi Anda sendiri sebelum mengambil "
        "keputusan."
    ),
    "sources_none": "Kumpulan data ini tidak memiliki tabel sumber.",
    "sources_as_written": (
        "Definisi, sumber, dan catatan ditampilkan sebagaimana tertulis dalam kumpulan data."
    ),
    "illustrative": "ILUSTRATIF",
    "rule_budget_total": "Total anggaran paling banyak Rp {total} miliar.",
    "rule_budget_total_all": "Seluruh anggaran sebesar Rp {total} miliar dibelanjakan.",
    "rule_budget_group": "Anggaran untuk {group} paling banyak Rp {limit} miliar.",
    "rule_floor": "{who}: paling sedikit {value}.",
    "rule_cap": "{who}: paling banyak {value}.",
    "every": "setiap {level}",
    "level_region": "wilayah",
    "value_share_of_budget": "{pct} dari anggaran",
    "value_per_capita": "Rp {n} per penduduk",
    "rule_share_min": "{group} menerima paling sedikit {pct} dari belanja.",
    "rule_share_max": "{group} menerima paling banyak {pct} dari belanja.",
    "rule_target_min": "Target: {metric}{where} paling sedikit {value}.",
    "rule_target_max": "Batas: {metric}{where} paling banyak {value}.",
    "rule_gini": "Koefisien Gini {of} per kapita antar-{by} paling tinggi {max}.",
    "rule_outcome_equity": (
        "Di setiap {by}, {metric} per kapita paling sedikit {ratio} dari tingkat nasional."
    ),
    "rule_ramp": (
        "Dari tahun ke tahun, belanja setiap {by} berubah paling banyak {limit}."
    ),
    "ramp_relative": "{pct} dari belanja tahun sebelumnya",
    "rule_projects_min": "Proyek yang dibangun {where}: paling sedikit {n}.",
    "rule_projects_max": "Proyek yang dibangun {where}: paling banyak {n}.",
    "where_total": "secara keseluruhan",
    "where_each": "untuk setiap {level}",
    "where_key": "untuk {key}",
    "rule_other": "{text}",
    "obj_maximize": "memaksimalkan {metric}.",
    "obj_weighted": (
        "memaksimalkan {terms}, setiap metrik dibagi nilai optimumnya di bawah kebijakan ini."
    ),
    "obj_weighted_raw": "memaksimalkan {terms}.",
    "obj_mincost": "belanja terendah yang memenuhi target di bawah ini.",
    "rule_accrual": (
        "Hasil dihitung sepanjang tahun rencana dengan tingkat bertahan {survival} dan tingkat "
        "diskonto {discount} per tahun."
    ),
    "obj_other": "{text}.",
    "obj_term": "{weight} × {metric}",
    "col_region": "Wilayah",
    "col_program": "Kode program",
    "col_program_name": "Nama program",
    "col_island_group": "Kelompok pulau",
    "col_sector": "Sektor",
    "col_year": "Tahun",
    "col_spend": "Belanja (Rp miliar)",
    "col_share": "Pangsa belanja",
    "col_population": "Jumlah penduduk",
    "col_spend_pc": "Belanja per kapita (Rp)",
    "col_jobs": "Lapangan kerja",
    "col_value_added": "Nilai tambah (Rp miliar per tahun)",
    "col_metric": "{metric} ({unit})",
    "col_capacity": "Kapasitas serap (Rp miliar)",
    "col_at_capacity": "Mencapai kapasitas",
    "col_rule": "Aturan",
    "col_family": "Jenis kendala",
    "col_row": "Baris",
    "col_activity": "Nilai aktual",
    "col_lower": "Batas bawah",
    "col_upper": "Batas atas",
    "col_slack": "Kelonggaran",
    "col_shadow": "Harga bayangan",
    "col_binding": "Mengikat",
    "col_in_words": "Penjelasan",
    "col_item": "Butir",
    "col_value": "Nilai",
    "col_unit": "Satuan",
    "col_of": "Besaran per kapita",
    "col_table": "Tabel",
    "col_column": "Kolom",
    "col_definition": "Definisi",
    "col_source_year": "Tahun data",
    "col_source": "Sumber",
    "col_note": "Catatan",
    "col_illustrative": "Ilustratif",
    "col_project": "Proyek",
    "col_cost": "Biaya (Rp miliar)",
    "col_built": "Dibangun",
    "col_scenario": "Skenario",
    "col_status": "Status penyelesaian",
    "col_objective_value": "Nilai tujuan",
    "col_change_pct": "Perubahan {what} (%)",
    "col_baseline": "Skenario dasar",
    "col_difference": "Selisih",
    "col_scenario_spend": "{scenario}: belanja (Rp miliar)",
    "col_diff_vs": "{scenario}: perubahan (Rp miliar)",
    "col_error_type": "Jenis galat",
    "col_error": "Pesan",
    "col_measure": "Ukuran",
    "yes": "ya",
    "no": "tidak",
    "item_date": "Tanggal",
    "item_dataset": "Kumpulan data",
    "item_status": "Status penyelesaian",
    "item_solver": "Pemecah (solver)",
    "item_objective": "Tujuan",
    "item_objective_value": "Nilai tujuan",
    "item_spend": "Belanja",
    "item_budget": "Total anggaran",
    "item_budget_used": "Pangsa anggaran yang terpakai",
    "item_gini": "Koefisien Gini belanja per kapita",
    "item_baseline": "Skenario dasar",
    "sheet_summary": "ringkasan",
    "sheet_outcomes": "hasil",
    "sheet_allocation": "alokasi",
    "sheet_by_region": "per_wilayah",
    "sheet_by_program": "per_program",
    "sheet_constraints": "kendala",
    "sheet_equity": "pemerataan",
    "sheet_sources": "sumber_data",
    "sheet_assumptions": "asumsi",
    "sheet_projects": "proyek",
    "sheet_shadow_prices": "harga_bayangan",
    "sheet_errors": "galat",
    "chart_top": "{title} ({n} teratas dari {total})",
    "chart_lorenz_x": "Pangsa kumulatif penduduk",
    "chart_lorenz_y": "Pangsa kumulatif belanja",
    "chart_equality": "Pemerataan sempurna",
    "chart_lorenz": "Kurva Lorenz (Gini {gini})",
    "chart_change": "Perubahan terhadap {baseline} (%)",
    "chart_alt": "Grafik: {title}",
    "date": "{day} {month} {year}",
    "months": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember",
    ),
    "thousands": ".",
    "decimal": ",",
}

#: Every catalogue by language code.
CATALOGUES: dict[str, dict[str, Any]] = {"en": EN, "id": ID}

#: The language codes a report can be written in.
LANGUAGES: tuple[str, ...] = tuple(CATALOGUES)


def catalogue(lang: str) -> dict[str, Any]:
    """The catalogue of ``lang``.

    Raises
    ------
    PolicyError
        If ``lang`` is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> from ikmopt.report import catalogue
    >>> catalogue("id")["h_equity"]
    'Pemerataan'
    """
    if not isinstance(lang, str) or lang.lower() not in CATALOGUES:
        allowed = ", ".join(f"'{code}'" for code in LANGUAGES)
        raise PolicyError(f"report: unknown lang {lang!r}; choose one of {allowed} "
                          "(English, Bahasa Indonesia)")
    return CATALOGUES[lang.lower()]


class Formatter:
    """Numbers, money, shares and dates in the style of one language.

    Parameters
    ----------
    lang : str
        ``"en"`` or ``"id"``.

    Examples
    --------
    >>> from ikmopt.report import Formatter
    >>> Formatter("id").number(1234567.891, 1), Formatter("en").number(1234567.891, 1)
    ('1.234.567,9', '1,234,567.9')
    >>> Formatter("id").percent(0.4)
    '40,0%'
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang.lower()
        self.text: Mapping[str, Any] = catalogue(lang)

    def __call__(self, key: str, /, **fields: Any) -> str:
        """The catalogue text ``key``, filled with ``fields``."""
        template = self.text[key]
        return template.format(**fields) if fields else template

    def _localize(self, text: str) -> str:
        if self.text["thousands"] == "," and self.text["decimal"] == ".":
            return text
        swap = {",": self.text["thousands"], ".": self.text["decimal"]}
        return "".join(swap.get(ch, ch) for ch in text)

    def number(self, value: float, decimals: int = 0) -> str:
        """``value`` with thousands separators and ``decimals`` decimals ("–" if missing)."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        value = float(value)
        text = f"{value:,.{decimals}f}"
        if float(text.replace(",", "")) == 0:  # no "-0.0"
            text = text.lstrip("-")
        return self._localize(text)

    def significant(self, value: float, digits: int = 3) -> str:
        """``value`` rounded to ``digits`` significant digits (whole numbers in full)."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        value = float(value)
        if value == 0:
            return "0"
        magnitude = math.floor(math.log10(abs(value)))
        decimals = max(0, digits - 1 - magnitude)
        return self.number(value, min(decimals, 12))

    def plain(self, value: float, max_decimals: int = 3) -> str:
        """``value`` with as few decimals as it needs (at most ``max_decimals``)."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        for decimals in range(max_decimals + 1):
            if abs(round(float(value), decimals) - float(value)) < 1e-9 * max(1.0, abs(value)):
                return self.number(value, decimals)
        return self.number(value, max_decimals)

    def percent(self, share: float, decimals: int = 1) -> str:
        """A share (0.4) as a percentage (``40.0%``)."""
        if share is None or not math.isfinite(float(share)):
            return "–"
        return self.number(100 * float(share), decimals) + "%"

    def money(self, value: float, decimals: int = 1) -> str:
        """Rp bn: ``Rp 2,500.0 bn`` / ``Rp 2.500,0 miliar``."""
        return self("money", n=self.number(value, decimals))

    def date(self, day: dt.date) -> str:
        """``5 March 2025`` / ``5 Maret 2025``."""
        return self("date", day=day.day, month=self.text["months"][day.month - 1],
                    year=day.year)
