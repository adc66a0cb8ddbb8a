"""AIG6xx hallucinated-import: imports that resolve nowhere. `python.py` (AIG601-604) judges
Python imports against the target environment, `script.py` (AIG611-613) JS/TS imports against
node_modules, package.json and tsconfig.
"""
