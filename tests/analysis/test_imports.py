import subprocess
import sys


def test_engine_and_cli_import_without_django():
    code = (
        "import sys, continuum.analysis, continuum.analysis.analyses, continuum.analysis.load, continuum.cli;"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
