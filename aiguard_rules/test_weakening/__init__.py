"""AIG5xx test-weakening: changes to test code after which the tests can no longer fail.

Every rule reads the test file's before- and after-versions into the same language-neutral
facts (`_model.FileFacts`, shared by all rules through `Source.memo`) and compares
them by meaning: a test by its qualified name (`Class.test_x`, `suite > case`), a skip or a
tautology by its normalized text, a tolerance by its function and the values it compares.
Something the before-version already had is never reported again, wherever it moved.
"""
