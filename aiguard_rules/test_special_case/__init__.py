"""AIG3xx test-special-case: production code that behaves differently under test.

Two hazards. Code that detects the test runner (`"pytest" in sys.modules`, `PYTEST_CURRENT_TEST`,
`process.env.JEST_WORKER_ID`) makes the tests exercise a path production never takes. Code
that hardcodes the answers the tests expect (`if n == 7: return 5040` beside
`assert factorial(7) == 5040`) passes the tests without implementing anything.

Policy on configuration. Reading an *explicit setting* (`TESTING`, `APP_ENV == "test"`,
`NODE_ENV === "test"`) to choose configuration is what settings modules are for: it is silent in a
module whose path says settings/config (`settings.py`, `config/`, `*_settings.py`, `manage.py`,
`*.config.js`...). *Sniffing the runner* (`sys.modules`, `PYTEST_*`, `sys.argv` naming pytest, the
call stack, `JEST_WORKER_ID`, `VITEST`, `typeof jest`) is flagged in every production file: no
setting chose it, the test run did.
"""
