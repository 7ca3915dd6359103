"""Interactive tools for JupyterLab: the explorer behind ``notebooks/explore.ipynb`` and the
hand-coding panel."""
