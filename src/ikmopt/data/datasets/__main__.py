"""Print the bundled dataset's derived impacts: ``python -m ikmopt.data.datasets``."""

import pandas as pd

from ikmopt.data.datasets import load

data = load("indonesia-provinces")
with pd.option_context("display.max_rows", 300, "display.width", 120):
    print(data.impacts.round(3))
