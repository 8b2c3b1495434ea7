"""Streamlit's legacy pages/ folder mode is switched off in one place (backcheck/serve.py).

Streamlit has no supported option for it, so BackCheck sets a private class attribute. These
tests fail with a clear message when a Streamlit upgrade removes or renames it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager

from backcheck import serve


def test_streamlit_still_has_the_pages_folder_switch():
    assert serve.LEGACY_SWITCH in vars(PagesManager), (
        f"Streamlit's PagesManager has no '{serve.LEGACY_SWITCH}' any more: backcheck/serve.py can no longer "
        "switch the legacy pages/ folder mode off. Find the new switch and update serve.pages_folder_off.")


def test_a_manager_for_app_py_with_its_pages_folder_stays_in_navigation_mode(monkeypatch):
    monkeypatch.setattr(PagesManager, serve.LEGACY_SWITCH, None)  # as a fresh server (and AppTest) start
    assert (serve.APP.parent / "pages").is_dir()
    PagesManager(str(serve.APP))
    assert PagesManager.uses_pages_directory is True  # Streamlit alone would pick the legacy mode here
    monkeypatch.setattr(PagesManager, serve.LEGACY_SWITCH, None)
    serve.NavigationOnlyPagesManager(str(serve.APP))
    assert PagesManager.uses_pages_directory is False


def test_a_missing_switch_fails_loudly(monkeypatch):
    monkeypatch.delattr(PagesManager, serve.LEGACY_SWITCH)
    with pytest.raises(serve.StreamlitChanged, match="no 'uses_pages_directory' any more"):
        serve.pages_folder_off()


def test_connections_to_the_server_socket_get_tcp_nodelay(monkeypatch):
    """tcp_nodelay(): the socket Streamlit binds is re-wrapped as IPPROTO_TCP, so asyncio switches
    Nagle's algorithm off on every connection it accepts (no timing here: the socket option itself)."""
    import asyncio
    import socket

    from streamlit.web.server.starlette import starlette_server as server

    assert hasattr(server, "_bind_socket"), (
        "Streamlit has no starlette_server._bind_socket any more: serve.tcp_nodelay patches nothing and every "
        "rerun may wait ~40 ms for delayed ACKs again. Check how Streamlit binds its socket now.")
    monkeypatch.setattr(server, "_bind_socket", server._bind_socket)  # restored after the test
    serve.tcp_nodelay()
    serve.tcp_nodelay()  # twice is harmless
    assert getattr(server._bind_socket, "backcheck_nodelay", False)
    listener = server._bind_socket("127.0.0.1", 0, 8)
    assert listener.proto == socket.IPPROTO_TCP

    async def accepted_nodelay() -> int:
        seen: list[int] = []

        async def handle(reader, writer) -> None:
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        srv = await asyncio.start_server(handle, sock=listener)
        port = listener.getsockname()[1]
        _r, w = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.01)
        w.close()
        srv.close()
        await srv.wait_closed()
        return seen[0]

    # in its own thread: in the whole suite the browser tests' event loop may be running in this one
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, accepted_nodelay()).result(timeout=60) != 0


def test_the_server_imports_the_heavy_libraries_before_it_listens():
    """The first screen after a start does not import plotly and pandas (about 0.9 s); serve.main
    does, before Streamlit's server starts. A fresh interpreter, as `make run` has."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from backcheck import serve\n"
        "heavy = [*serve.WARM_MODULES, 'plotly.graph_objs._figure']\n"
        "assert not [m for m in heavy if m in sys.modules], 'imported early'\n"
        "seen = {}\n"
        "serve.cli.main = lambda: seen.update(loaded=[m for m in heavy if m in sys.modules], argv=sys.argv[:3])\n"
        "serve.main(['--server.headless', 'true'])\n"
        "assert seen['loaded'] == list(heavy), seen\n"
        "assert seen['argv'][:2] == ['streamlit', 'run'], seen\n"
        "print('warm')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "warm", done.stderr[-2000:]


def test_the_page_shell_gets_the_deep_link_script_and_every_other_file_stays_streamlits(tmp_path, monkeypatch):
    """direct_deep_links(): Streamlit's static folder mirrored, index.html with the script placed
    before Streamlit's own code (window.__streamlit is read when that code loads)."""
    from streamlit import file_util

    monkeypatch.setattr(file_util, "get_static_dir", file_util.get_static_dir)  # restored after the test
    source = Path(file_util.get_static_dir())
    mirror = serve.direct_deep_links(tmp_path / "static")
    assert mirror == tmp_path / "static" and file_util.get_static_dir() == str(mirror)
    assert serve.direct_deep_links() == mirror  # twice is harmless
    assert sorted(p.name for p in mirror.iterdir()) == sorted(p.name for p in source.iterdir())
    for entry in mirror.iterdir():
        if entry.name not in ("index.html", "favicon.png"):
            assert entry.is_symlink() and entry.resolve() == (source / entry.name).resolve()
    assert (mirror / "favicon.png").read_bytes() == serve.ICON.read_bytes()  # BackCheck's, before the first run
    shell = (mirror / "index.html").read_text(encoding="utf-8")
    assert "<title>BackCheck</title>" in shell
    assert shell.replace(shell[shell.index("<script>/* BackCheck"):shell.index(serve.SHELL_MARK)], "").replace(
        "<title>BackCheck</title>", "<title>Streamlit</title>") == (source / "index.html").read_text(encoding="utf-8")
    assert shell.index("window.__streamlit = {BACKEND_BASE_URL") < shell.index(serve.SHELL_MARK)
    for page in (*serve.PAGE_PATHS, *serve.CHART_PAGES):
        assert f'"{page}"' in shell
    chart_code = [p.name for p in (source / "static" / "js").glob("PlotlyChart.*.js")]
    assert len(chart_code) == 1, "Streamlit's plotly chunk was renamed: the chart screens no longer fetch it early"
    assert f'"./static/js/{chart_code[0]}"' in shell


def test_every_screen_of_the_menu_is_a_known_page_name():
    """A screen missing from PAGE_PATHS would still work, only with Streamlit's probe again."""
    from backcheck import ui

    screens = [ui.SAFETY, ui.QUIZ, ui.FORM, ui.ROUTINE, ui.LIBRARY, ui.PAIN, ui.PROFILES, ui.SESSION]
    assert {Path(s).stem for s in screens} | {"signin", "problem"} == set(serve.PAGE_PATHS)
    assert set(serve.CHART_PAGES) == {Path(ui.PAIN).stem, Path(ui.QUIZ).stem}


def test_a_shell_streamlit_changed_is_left_alone(tmp_path, monkeypatch):
    """No mark to place the script before (or a shell that sets the base itself): nothing is patched."""
    from streamlit import file_util

    for html in ("<html><head><script src='x.js'></script></head></html>",
                 "<html><head><script>window.__streamlit={BACKEND_BASE_URL:'/'}</script>"
                 "<script type=\"module\" src='x.js'></script></head></html>"):
        fake = tmp_path / f"streamlit-static-{len(html)}"
        fake.mkdir()
        (fake / "index.html").write_text(html)
        monkeypatch.setattr(file_util, "get_static_dir", lambda fake=fake: str(fake))
        assert serve.direct_deep_links(tmp_path / f"mirror-{len(html)}") is None
        assert file_util.get_static_dir() == str(fake)
        assert not (tmp_path / f"mirror-{len(html)}").exists()


def test_a_mirror_that_cannot_be_made_leaves_streamlits_shell(tmp_path, monkeypatch, capsys):
    """No folder (or no symbolic links) for the mirror: the server starts with Streamlit's own shell."""
    from streamlit import file_util

    monkeypatch.setattr(file_util, "get_static_dir", file_util.get_static_dir)
    before = file_util.get_static_dir()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert serve.direct_deep_links(blocked) is None
    assert file_util.get_static_dir() == before
    assert "Streamlit's probe" in capsys.readouterr().err
