"""What changed: the four git modes turned into FileChange records (before, after, changed lines).

Git is asked as little as possible and in forms that user configuration cannot bend: one
`rev-parse`, one `diff -z --raw -p -U0` (records and patches from the same run, matched by
position), one `ls-files` where untracked files count, and one `cat-file --batch` for every blob.
"""
