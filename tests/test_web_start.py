"""`qlvb-gateway web` on a port already taken: exit 2 (configuration: the README's table), naming the address,
not uvicorn's own 3 (which the README gives to a send held for the clerk)."""

import os
import socket
import subprocess

from world import GATEWAY, World


def test_the_desk_on_a_taken_port_exits_2_naming_the_address(world: World) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        config = world.config_path.read_text(encoding="utf-8") + f"web:\n  port: {port}\n"
        (world.root / "taken.yaml").write_text(config, encoding="utf-8")
        done = subprocess.run([*GATEWAY, "web", "--config", "taken.yaml"], capture_output=True, text=True, cwd=world.root,
                              env=dict(os.environ, PYTHONWARNINGS="ignore"), timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"web: cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
