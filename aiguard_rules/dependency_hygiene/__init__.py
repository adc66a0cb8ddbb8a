"""AIG8xx dependency-hygiene: dependencies added that nothing imports, imports nobody declared,
obsolete backports, and names one edit away from a popular package. `python.py` judges Python
manifests and imports, `script.py` package.json and JS/TS imports.
"""
