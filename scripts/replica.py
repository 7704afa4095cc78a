"""A PostgreSQL 15 primary and a streaming hot standby of it, each on a free port of 127.0.0.1, and optionally a
PgBouncer in session mode in front of both: for trying reads on a replica (README, "Serve in production") and for
the replica's tests. Nothing of the machine's own clusters is touched: the primary is a cluster of its own, made
with ``initdb`` in a new folder under the temporary directory, and the standby is ``pg_basebackup -R`` of it.

    python scripts/replica.py start [--pgbouncer] [--database s75]   # prints the folder and the URLs as JSON
    python scripts/replica.py pg FOLDER primary|standby start|stop|restart
    python scripts/replica.py stop FOLDER                            # stops everything and removes the folder

PostgreSQL and PgBouncer refuse to run as root: run as root, the script makes the folder over to the ``postgres``
user and runs their commands as that user (``runuser``, from util-linux). Both clusters trust connections from
127.0.0.1, with no password, so use them for tests and trials only. The binaries are looked for in
``PG_BINDIR`` (default Debian's ``/usr/lib/postgresql/15/bin``) and PgBouncer on the ``PATH``.
"""

import argparse
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BINDIR = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
SERVICE_USER = "postgres"
NODES = ("primary", "standby")


def as_service_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVICE_USER, "--", *command] if os.geteuid() == 0 else command


def run(command: list[str]) -> None:
    done = subprocess.run(as_service_user(command), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binary(name: str) -> str:
    path = PG_BINDIR / name
    if not path.exists():
        raise SystemExit(f"{path} is missing: install PostgreSQL 15 (apt-get install postgresql-15) or set PG_BINDIR.")
    return str(path)


def load(folder: Path) -> dict:
    return json.loads((folder / "replica.json").read_text())


def pg_ctl(folder: Path, node: str, action: str) -> None:
    data = folder / node
    if action == "stop":
        run([binary("pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w"])
    else:
        run([binary("pg_ctl"), action, "-D", str(data), "-l", str(folder / f"{node}.log"), "-w", "-t", "60"]
            + (["-m", "fast"] if action == "restart" else []))


def start(database: str, with_pgbouncer: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="s75-replica-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVICE_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)
    try:
        return _start(folder, database, with_pgbouncer)
    except BaseException:
        stop(folder)
        raise


def _start(folder: Path, database: str, with_pgbouncer: bool) -> dict:
    ports = {"primary": free_port(), "standby": free_port()}
    primary = folder / "primary"
    run([binary("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8",
         "--locale=C.UTF-8"])
    # Connections over TCP from this machine only (the socket in the folder, never the machine's shared one); a
    # replication connection for the standby; fsync off, as nothing here must outlive the machine.
    (primary / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n"
                                         "host replication all 127.0.0.1/32 trust\n")
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(f"\nport = {ports['primary']}\nlisten_addresses = '127.0.0.1'\n"
                   f"unix_socket_directories = '{folder}'\nwal_level = replica\nmax_wal_senders = 4\n"
                   "max_replication_slots = 4\nhot_standby = on\nfsync = off\nmax_connections = 50\n")
    pg_ctl(folder, "primary", "start")
    run([binary("createdb"), "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres", database])
    # -R writes standby.signal and the primary's address; the slot keeps the WAL the standby has not yet received
    # while it is stopped.
    run([binary("pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres",
         "-D", str(folder / "standby"), "-R", "-X", "stream", "-c", "fast", "-C", "-S", "standby"])
    with (folder / "standby" / "postgresql.conf").open("a") as conf:
        conf.write(f"port = {ports['standby']}\n")
    pg_ctl(folder, "standby", "start")
    state = {"folder": str(folder), "ports": ports, "database": database,
             "primary": f"postgres://postgres@127.0.0.1:{ports['primary']}/{database}",
             "replica": f"postgres://postgres@127.0.0.1:{ports['standby']}/{database}"}
    if with_pgbouncer:
        state.update(pgbouncer_start(folder, ports, database))
    (folder / "replica.json").write_text(json.dumps(state))
    return state


def pgbouncer_start(folder: Path, ports: dict, database: str) -> dict:
    """PgBouncer in session mode: a client keeps one server connection from connecting to disconnecting, so the
    statements psycopg prepares on it stay there (settings/base.py)."""
    program = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(program).exists():
        raise SystemExit("pgbouncer is missing: apt-get install pgbouncer")
    port = free_port()
    (folder / "userlist.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{database} = host=127.0.0.1 port={ports['primary']} dbname={database}\n"
        f"{database}_replica = host=127.0.0.1 port={ports['standby']} dbname={database}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir = {folder}\n"
        f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\npool_mode = session\n"
        # A server that could not be reached is tried again after 1 s (the default 15 s would hold the first requests
        # after a restart); a client waits at most 2 s for a server before its query fails, which is how long the
        # site's check of a stopped replica takes through PgBouncer (its connection to PgBouncer succeeds).
        "max_client_conn = 200\ndefault_pool_size = 20\nserver_login_retry = 1\nquery_wait_timeout = 2\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n")
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVICE_USER)
        for name in ("userlist.txt", "pgbouncer.ini"):
            os.chown(folder / name, account.pw_uid, account.pw_gid)
    run([program, "-d", str(folder / "pgbouncer.ini")])
    deadline = time.monotonic() + 10
    while not (folder / "pgbouncer.pid").exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"pgbouncer did not start: see {folder / 'pgbouncer.log'}")
        time.sleep(0.05)
    return {"pgbouncer_primary": f"postgres://postgres@127.0.0.1:{port}/{database}",
            "pgbouncer_replica": f"postgres://postgres@127.0.0.1:{port}/{database}_replica"}


def stop(folder: Path) -> None:
    pidfile = folder / "pgbouncer.pid"
    if pidfile.exists():
        pid = int(pidfile.read_text())
        os.kill(pid, signal.SIGTERM)  # PgBouncer 1.18: shut down at once
        deadline = time.monotonic() + 10
        while pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    for node in reversed(NODES):
        if (folder / node / "postmaster.pid").exists():
            pg_ctl(folder, node, "stop")
    shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    starting = commands.add_parser("start", help="make and start a primary and its standby; print them as JSON")
    starting.add_argument("--database", default="s75", help="the database made on the primary (default s75)")
    starting.add_argument("--pgbouncer", action="store_true", help="and a PgBouncer in session mode before both")
    node = commands.add_parser("pg", help="start, stop or restart the primary or the standby")
    node.add_argument("folder", type=Path)
    node.add_argument("node", choices=NODES)
    node.add_argument("action", choices=("start", "stop", "restart"))
    stopping = commands.add_parser("stop", help="stop everything the folder holds and remove it")
    stopping.add_argument("folder", type=Path)
    options = parser.parse_args()
    if options.command == "start":
        print(json.dumps(start(options.database, options.pgbouncer)))
    elif options.command == "pg":
        load(options.folder)
        pg_ctl(options.folder, options.node, options.action)
    else:
        load(options.folder)
        stop(options.folder)


if __name__ == "__main__":
    sys.exit(main())
