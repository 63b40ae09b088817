"""Monitoring a plan through the year: absorption, early warnings, projection, re-plan.

* :class:`AbsorptionProfile`: expected cumulative absorption per pot by quarter;
* :func:`disbursement_plan`: the money of a plan expected to be paid in each quarter;
* :func:`load_plan`: the saved plan being monitored;
* :func:`read_realisation`: realisation to date, validated against the plan;
* :func:`monitor` and :class:`Monitoring`: gaps, warnings, projection, outcomes at risk;
* :func:`replan_rest`: reallocate the unspent and at-risk money within the plan's rules;
* :func:`example_realisation`: an ILLUSTRATIVE realisation file for the bundled data.
"""

from ikmopt.analysis.monitoring.disbursement import disbursement_plan
from ikmopt.analysis.monitoring.example import example_realisation, region_pace
from ikmopt.analysis.monitoring.monitor import Monitoring, monitor
from ikmopt.analysis.monitoring.profile import AbsorptionProfile
from ikmopt.analysis.monitoring.realisation import Realisation, read_realisation
from ikmopt.analysis.monitoring.replan import MonitoredReplan, Spent, replan_rest
from ikmopt.analysis.monitoring.saved import SavedPlan, load_plan

__all__ = [
    "AbsorptionProfile",
    "MonitoredReplan",
    "Monitoring",
    "Realisation",
    "SavedPlan",
    "Spent",
    "disbursement_plan",
    "example_realisation",
    "load_plan",
    "monitor",
    "read_realisation",
    "region_pace",
    "replan_rest",
]
