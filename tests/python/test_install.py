"""`pip install ./python` in a fresh virtual environment (Debian's numpy through the system site,
no network: --no-index, --no-build-isolation), then clout imported from elsewhere, finding
libclout through $CLOUT_LIB, agreeing with the command line."""
import os
import shutil
import subprocess

SRC = os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("CLOUT", os.path.join(SRC, "build", "clout"))


def test_pip_install_in_a_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    # from a copy: setuptools writes build/ and *.egg-info beside the sources
    shutil.copytree(os.path.join(SRC, "python"), tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    r = subprocess.run([py, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation", str(tmp_path / "src")],
                       capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr[-2000:]
    code = ("import clout, sys; g = clout.from_edges([0, 1, 2], [1, 2, 3]);"
            "print(clout.__file__); print(g.metrics(only=['reach_3'], frame=False)['reach_3'].tolist())")
    r = subprocess.run([py, "-c", code], capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr[-2000:]
    where, reach = r.stdout.split("\n")[:2]
    assert where.startswith(str(venv)), where  # the installed copy, not the source tree
    assert reach == "[3, 2, 1, 0]"
