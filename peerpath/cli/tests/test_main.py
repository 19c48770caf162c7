import os
import subprocess
import sys


def test_a_reader_that_goes_away_stops_the_command_without_a_traceback(tmp_path):
    env = {**os.environ, "PEERPATH_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    # Print the command list over and over, and close the pipe after the first line.
    code = (
        "from peerpath.cli.main import main\n"
        "for _ in range(2000):\n"
        "    main(['help', '--commands'])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "BrokenPipeError" not in stderr
    assert "Traceback" not in stderr
    assert proc.returncode == 1
