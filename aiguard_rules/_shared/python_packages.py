"""What the dependency rules know about Python packages: names that import differently from
their distribution, tools used without an import, stdlib backports and obsolete packages.

Tables only; the environment (aiguard.facts.python) is the better source when one is found: an
installed distribution's `top_level.txt`/`RECORD` says exactly what it provides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Distributions whose import name is not their name with "-" turned into "_" (normalized names).
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "pyyaml": ("yaml",),
    "pillow": ("PIL",),
    "beautifulsoup4": ("bs4",),
    "scikit-learn": ("sklearn",),
    "scikit-image": ("skimage",),
    "python-dateutil": ("dateutil",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "opencv-contrib-python": ("cv2",),
    "opencv-contrib-python-headless": ("cv2",),
    "protobuf": ("google.protobuf",),
    "grpcio": ("grpc",),
    "grpcio-tools": ("grpc_tools",),
    "grpcio-status": ("grpc_status",),
    "googleapis-common-protos": ("google.api", "google.rpc", "google.type"),
    "google-api-python-client": ("googleapiclient",),
    "google-auth": ("google.auth", "google.oauth2"),
    "google-cloud-storage": ("google.cloud.storage",),
    "google-cloud-bigquery": ("google.cloud.bigquery",),
    "google-cloud-pubsub": ("google.cloud.pubsub", "google.cloud.pubsub_v1"),
    "google-generativeai": ("google.generativeai",),
    "google-genai": ("google.genai",),
    "python-dotenv": ("dotenv",),
    "pyjwt": ("jwt",),
    "python-jose": ("jose",),
    "mysqlclient": ("MySQLdb",),
    "mysql-connector-python": ("mysql",),
    "psycopg2-binary": ("psycopg2",),
    "psycopg-binary": ("psycopg",),
    "attrs": ("attr", "attrs"),
    "pyzmq": ("zmq",),
    "pycryptodome": ("Crypto",),
    "pycryptodomex": ("Cryptodome",),
    "pyopenssl": ("OpenSSL",),
    "python-magic": ("magic",),
    "pyserial": ("serial",),
    "pyusb": ("usb",),
    "pywin32": ("win32api", "win32con", "win32com", "win32gui", "pythoncom", "pywintypes"),
    "setuptools": ("setuptools", "pkg_resources"),
    "msgpack-python": ("msgpack",),
    "python-multipart": ("multipart", "python_multipart"),
    "python-slugify": ("slugify",),
    "python-levenshtein": ("Levenshtein",),
    "levenshtein": ("Levenshtein",),
    "ruamel-yaml": ("ruamel.yaml",),
    "python-docx": ("docx",),
    "python-pptx": ("pptx",),
    "pymupdf": ("fitz", "pymupdf"),
    "pypdf2": ("PyPDF2",),
    "discord-py": ("discord",),
    "py-cpuinfo": ("cpuinfo",),
    "pyside6": ("PySide6",),
    "pyside2": ("PySide2",),
    "pyqt5": ("PyQt5",),
    "pyqt6": ("PyQt6",),
    "tensorflow-gpu": ("tensorflow",),
    "tensorflow-cpu": ("tensorflow",),
    "faiss-cpu": ("faiss",),
    "faiss-gpu": ("faiss",),
    "python-json-logger": ("pythonjsonlogger",),
    "websocket-client": ("websocket",),
    "paho-mqtt": ("paho",),
    "apache-airflow": ("airflow",),
    "apache-beam": ("apache_beam",),
    "azure-storage-blob": ("azure.storage.blob",),
    "azure-identity": ("azure.identity",),
    "azure-core": ("azure.core",),
    "ipython": ("IPython",),
    "pyinstaller": ("PyInstaller",),
    "djangorestframework": ("rest_framework",),
    "django-cors-headers": ("corsheaders",),
    "django-filter": ("django_filters",),
    "django-environ": ("environ",),
    "django-debug-toolbar": ("debug_toolbar",),
    "django-storages": ("storages",),
    "django-crispy-forms": ("crispy_forms",),
    "djangorestframework-simplejwt": ("rest_framework_simplejwt",),
    "dnspython": ("dns",),
    "pynacl": ("nacl",),
    "pygobject": ("gi",),
    "pycairo": ("cairo",),
    "pyobjc": ("objc", "AppKit", "Foundation", "Quartz"),
    "pyobjc-core": ("objc",),
    "gitpython": ("git",),
    "pygithub": ("github",),
    "python-gitlab": ("gitlab",),
    "python-telegram-bot": ("telegram",),
    "pytelegrambotapi": ("telebot",),
    "scikit-build": ("skbuild",),
    "kafka-python": ("kafka",),
    "python-socketio": ("socketio",),
    "python-engineio": ("engineio",),
    "opentelemetry-api": ("opentelemetry",),
    "opentelemetry-sdk": ("opentelemetry.sdk",),
    "python-ldap": ("ldap",),
    "python-hcl2": ("hcl2",),
    "pywinrm": ("winrm",),
    "pyopengl": ("OpenGL",),
    "wxpython": ("wx",),
    "pysimplegui": ("PySimpleGUI",),
    "pywavelets": ("pywt",),
    "gdal": ("osgeo",),
    "python-box": ("box",),
    "factory-boy": ("factory",),
    "python-crontab": ("crontab",),
    "umap-learn": ("umap",),
    "ffmpeg-python": ("ffmpeg",),
    "pysocks": ("socks",),
    "typing-extensions": ("typing_extensions",),
    "pymongo": ("pymongo", "bson", "gridfs"),
    "matplotlib": ("matplotlib", "mpl_toolkits", "pylab"),
    "pyasn1-modules": ("pyasn1_modules",),
    "pytest": ("pytest", "_pytest"),
    "docker-py": ("docker",),
    "pyyaml-include": ("yamlinclude",),
    "antlr4-python3-runtime": ("antlr4",),
    "lightning": ("lightning", "pytorch_lightning"),
    "sentry-sdk": ("sentry_sdk",),
    "prometheus-client": ("prometheus_client",),
    "email-validator": ("email_validator",),
    "backports-zoneinfo": ("backports.zoneinfo",),
    "importlib-metadata": ("importlib_metadata",),
    "importlib-resources": ("importlib_resources",),
    "enum34": ("enum",),
    "futures": ("concurrent.futures",),
    "graphlib-backport": ("graphlib",),
}

# Distributions used without an import: test runners and their plug-ins, linters, formatters,
# type checkers and stub packages, build back ends, docs tools, servers, and drivers or engines
# that a library loads by name (database drivers behind a URL, pandas' file engines).
TOOLS = frozenset(
    {
        "pytest", "coverage", "tox", "nox", "pre-commit", "ruff", "black", "isort", "flake8",
        "pylint", "mypy", "pyright", "basedpyright", "pytype", "pyre-check", "bandit", "safety",
        "pip-audit", "pip-tools", "pipdeptree", "build", "twine", "wheel", "setuptools",
        "setuptools-scm", "hatchling", "hatch", "hatch-vcs", "hatch-fancy-pypi-readme", "flit",
        "flit-core", "poetry", "poetry-core", "poetry-dynamic-versioning", "pdm", "pdm-backend",
        "maturin", "cython", "scikit-build-core", "meson-python", "pybind11", "nanobind", "ninja",
        "cmake", "sphinx", "furo", "myst-parser", "mkdocs", "mkdocstrings", "docutils",
        "pydocstyle", "autopep8", "yapf", "pyupgrade", "autoflake", "codespell", "interrogate",
        "vulture", "radon", "xenon", "pre-commit-hooks", "commitizen", "bump2version",
        "bumpversion", "bump-my-version", "towncrier", "ipython", "ipykernel", "jupyter",
        "jupyterlab", "notebook", "ipdb", "pdbpp", "debugpy", "gunicorn", "uvicorn", "hypercorn",
        "daphne", "waitress", "supervisor", "honcho", "virtualenv", "pipx", "uv", "pip",
        "pyinstaller", "nuitka", "cx-freeze", "py2exe", "mutmut", "cosmic-ray", "pyinstrument",
        "py-spy", "scalene", "memray", "line-profiler", "snakeviz", "locust", "behave", "nose2",
        "deptry", "pip-licenses", "liccheck", "doc8", "rstcheck", "blacken-docs", "docformatter",
        "pyproject-fmt", "validate-pyproject", "check-manifest", "semgrep", "detect-secrets",
        "typeguard", "beartype", "pyannotate", "monkeytype", "pydeps", "pyreverse",
        # loaded by name by something else
        "psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "psycopg-c", "psycopg-pool",
        "asyncpg", "aiosqlite", "pymysql", "mysqlclient", "mysql-connector-python", "cx-oracle",
        "oracledb", "pyodbc", "pymssql", "aiomysql", "greenlet", "uvloop", "httptools",
        "websockets", "watchfiles", "python-multipart", "email-validator", "itsdangerous",
        "pyarrow", "fastparquet", "openpyxl", "xlrd", "xlsxwriter", "odfpy", "pyxlsb", "tabulate",
        "fsspec", "s3fs", "gcsfs", "adlfs", "tables", "numexpr", "bottleneck", "lxml", "html5lib",
        "kaleido", "brotli", "brotlicffi", "zstandard", "h2", "socksio", "pysocks", "chardet",
        "charset-normalizer", "tzdata", "accelerate", "sentencepiece", "safetensors",
        "bitsandbytes", "flash-attn", "hf-transfer", "hf-xet", "gevent", "eventlet",
        "whitenoise", "celery", "flower", "alembic", "django-extensions", "jinja2",
    }
)  # fmt: skip
TOOL_PREFIXES = (
    "pytest-", "flake8-", "pylint-", "types-", "mypy-", "sphinx-", "sphinxcontrib-", "mkdocs-",
    "mkdocstrings-", "jupyterlab-", "hatch-", "setuptools-", "pre-commit-", "coverage-",
    "tox-", "nox-", "poetry-plugin-", "pdm-", "django-stubs", "celery-types", "ruff-",
)  # fmt: skip
TOOL_SUFFIXES = ("-stubs",)


@dataclass(frozen=True)
class Backport:
    """A package the standard library replaced from `since` on."""

    since: tuple[int, int]
    replacement: str


# Backports and obsolete packages, by normalized name.
BACKPORTS: dict[str, Backport] = {
    "mock": Backport((3, 8), "unittest.mock (AsyncMock since 3.8)"),
    "pathlib": Backport((3, 4), "pathlib"),
    "pathlib2": Backport((3, 6), "pathlib"),
    "dataclasses": Backport((3, 7), "dataclasses"),
    "typing": Backport((3, 5), "typing"),
    "enum34": Backport((3, 4), "enum"),
    "futures": Backport((3, 2), "concurrent.futures"),
    "importlib-metadata": Backport((3, 10), "importlib.metadata"),
    "importlib-resources": Backport((3, 10), "importlib.resources"),
    "tomli": Backport((3, 11), "tomllib"),
    "six": Backport((3, 0), "Python 3 itself"),
    "contextvars": Backport((3, 7), "contextvars"),
    "backports-zoneinfo": Backport((3, 9), "zoneinfo"),
    "asyncio": Backport((3, 4), "asyncio"),
    "argparse": Backport((3, 2), "argparse"),
    "ipaddress": Backport((3, 3), "ipaddress"),
    "statistics": Backport((3, 4), "statistics"),
    "unittest2": Backport((3, 2), "unittest"),
    "ordereddict": Backport((3, 1), "collections.OrderedDict"),
    "functools32": Backport((3, 2), "functools"),
    "subprocess32": Backport((3, 2), "subprocess"),
    "configparser": Backport((3, 2), "configparser"),
    "singledispatch": Backport((3, 4), "functools.singledispatch"),
    "backports-functools-lru-cache": Backport((3, 2), "functools.lru_cache"),
    "cached-property": Backport((3, 8), "functools.cached_property"),
    "backports-cached-property": Backport((3, 8), "functools.cached_property"),
    "exceptiongroup": Backport((3, 11), "the built-in ExceptionGroup"),
    "graphlib-backport": Backport((3, 9), "graphlib"),
    "contextlib2": Backport((3, 10), "contextlib"),
}
# Obsolete only when the project says which Pythons it supports (it may still support Python 2).
NEEDS_KNOWN_FLOOR = frozenset({"six"})
# Without `requires-python`, assume at least this (older Pythons are long out of support).
ASSUMED_FLOOR = (3, 8)

_SEPARATORS = re.compile(r"[-_.]+")
_PREFIXES = ("python-", "py-", "py", "django-", "flask-")
_SUFFIXES = ("-python", "-py", "-binary", "-client", "-sdk", "-api", "-lib")


def normalize(name: str) -> str:
    return _SEPARATORS.sub("-", name).lower()


def is_tool(name: str) -> bool:
    """A distribution that is used without being imported (tools, plug-ins, stubs, drivers)."""
    normalized = normalize(name)
    return (
        normalized in TOOLS
        or normalized.startswith(TOOL_PREFIXES)
        or normalized.endswith(TOOL_SUFFIXES)
    )


@lru_cache(maxsize=4096)
def guessed_import_names(distribution: str) -> tuple[str, ...]:
    """The import names a distribution probably provides, when no environment says exactly."""
    normalized = normalize(distribution)
    if normalized in IMPORT_NAMES:
        return IMPORT_NAMES[normalized]
    base = normalized.replace("-", "_")
    names = [base]
    for prefix in _PREFIXES:
        if normalized.startswith(prefix) and len(normalized) > len(prefix) + 1:
            names.append(normalized[len(prefix) :].replace("-", "_"))
    for suffix in _SUFFIXES:
        if normalized.endswith(suffix) and len(normalized) > len(suffix) + 1:
            names.append(normalized[: -len(suffix)].replace("-", "_"))
    if "-" in normalized:
        names.append(normalized.replace("-", "."))  # namespace packages: zope-interface
    return tuple(dict.fromkeys(names))


def import_matches(import_name: str, candidates: tuple[str, ...]) -> bool:
    """Whether `import_name` (dotted) is provided by one of `candidates` (dotted prefixes);
    names compare case-insensitively, as a guess from a distribution name must."""
    lowered = import_name.lower()
    for candidate in candidates:
        c = candidate.lower()
        if lowered == c or lowered.startswith(c + ".") or c.startswith(lowered + "."):
            return True
    return False


# The first this many names of data/pypi-popular.txt are what a typo or slopsquat imitates.
POPULAR_TARGETS = 3000


def popular_names() -> tuple[tuple[str, ...], int]:
    """(the most downloaded PyPI projects, most downloaded first; how many count as targets).

    Read from package data only when a change declares a new dependency.
    """
    from importlib.resources import files

    text = (files("aiguard_rules") / "data" / "pypi-popular.txt").read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    names = tuple(line for line in lines if line and not line.startswith("#"))
    return names, POPULAR_TARGETS


def one_edit_apart(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1: one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
