"""The `fedcredit` command: one entry point for operators, parties and data scientists."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import grpc
import typer

from federation.coordinator.deadlines import DEFAULT_PARTY_DEADLINE_SECONDS
from federation.data import DataError, load_table
from federation.governance.categories import CATEGORIES, PURPOSE, UnknownCategory, categories_of
from federation.security.certs import CertificateError, init_certificates, load_credentials
from federation.security.roles import Role

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Privacy-preserving joint credit modeling between a credit platform and banks.")
certs_app = typer.Typer(no_args_is_help=True, help="Development certificates for mutual TLS.")
app.add_typer(certs_app, name="certs")
consent_app = typer.Typer(no_args_is_help=True, help="The consent registry: which enterprise authorizes which bank.")
app.add_typer(consent_app, name="consent")
audit_app = typer.Typer(no_args_is_help=True, help="The hash-chained audit log.")
app.add_typer(audit_app, name="audit")
loans_app = typer.Typer(no_args_is_help=True, help="Loans a bank granted through the platform (monitoring).")
app.add_typer(loans_app, name="loans")
monitor_app = typer.Typer(no_args_is_help=True, help="The platform's nightly risk monitoring.")
app.add_typer(monitor_app, name="monitor")
alerts_app = typer.Typer(no_args_is_help=True, help="Risk alerts pushed to a bank.")
app.add_typer(alerts_app, name="alerts")
enterprise_app = typer.Typer(no_args_is_help=True, help="An enterprise's view of the use of its data, and "
                                                        "objections (enterprise and operator).")
app.add_typer(enterprise_app, name="enterprise")
model_card_app = typer.Typer(no_args_is_help=True, help="Model cards for model-risk teams and regulators.")
app.add_typer(model_card_app, name="model-card")
disclosure_app = typer.Typer(no_args_is_help=True, help="A scorecard's platform bins, sealed to a regulator.")
app.add_typer(disclosure_app, name="disclosure")

CertsDir = Annotated[Path, typer.Option("--certs", help="Folder with ca.pem and <name>.pem/.key.")]
CoordinatorAddr = Annotated[str, typer.Option("--coordinator", help="host:port of the coordinator.")]
PlatformName = Annotated[str, typer.Option(help="The platform party's name.")]
JobTimeout = Annotated[float, typer.Option(help="Seconds to wait for the job.")]
JobJson = Annotated[bool, typer.Option("--json", help="Print the job as one JSON line.")]
ModelId = Annotated[str, typer.Option(help="The registered joint model (its training job id).")]
LegalBasis = Annotated[str | None, typer.Option(
    help="Run on this documented legal basis instead of consent (e.g. historical borrowers under their "
         "loan contracts); recorded on the job and in the audit log.")]


def _logging(name: str, level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, stream=sys.stderr,
                        format=f"%(asctime)s %(levelname)s {name} %(name)s: %(message)s")


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


@certs_app.command("init")
def certs_init(
    directory: Annotated[Path, typer.Option("--dir", help="Where to write the CA and certificates.")],
    party: Annotated[list[str], typer.Option("--party", help="name:role, role one of platform, bank, "
                                             "operator, regulator. Repeat per party.")],
    host: Annotated[list[str], typer.Option("--host", help="Names the coordinator is reached by.")] = [
        "localhost", "127.0.0.1"],
) -> None:
    """Create a development CA, the coordinator's server certificate and one certificate per party."""
    parties: dict[str, Role] = {}
    for item in party:
        name, _, role = item.partition(":")
        try:
            parties[name] = Role(role)
        except ValueError:
            _fail(f"--party {item!r}: role must be one of platform, bank, operator, regulator")
    if (directory / "ca.pem").exists():
        _fail(f"{directory} already holds a CA; refusing to overwrite it")
    try:
        init_certificates(directory, parties, hosts=tuple(host))
    except CertificateError as exc:
        _fail(str(exc))
    typer.echo(f"wrote CA and {len(parties) + 1} certificates to {directory}")


@certs_app.command("enterprise")
def certs_enterprise(
    directory: Annotated[Path, typer.Option("--dir", help="The folder holding the CA.")],
    uscc: Annotated[str, typer.Option(help="The enterprise's unified social credit code.")],
    platform_workdir: Annotated[Path, typer.Option(
        help="The platform agent's work folder, whose data-use key tags the certificate.")],
) -> None:
    """Issue an enterprise's certificate (CN = its USCC, role enterprise) carrying its data-use tag."""
    from federation.governance.data_use import INDEX_KEY_FILE, IndexKey
    from federation.security.certs import issue_enterprise_certificate

    if not (directory / "ca.pem").exists():
        _fail(f"{directory} holds no CA; run `fedcredit certs init` first")
    try:
        tag = IndexKey.load_or_create(platform_workdir / INDEX_KEY_FILE).tag(uscc)
        issue_enterprise_certificate(directory, uscc, tag)
    except CertificateError as exc:
        _fail(str(exc))
    typer.echo(f"wrote {directory / (uscc + '.pem')} for enterprise {uscc}")


def _call(name: str, coordinator: str, certs: Path, call: Any) -> Any:
    """One call to the coordinator as ``name``; a refusal is one clear line."""
    from federation.party.client import CoordinatorClient

    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            return call(client)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))


def _echo_messages(messages: Any) -> None:
    from google.protobuf.json_format import MessageToDict

    for message in messages:
        typer.echo(json.dumps(MessageToDict(message, always_print_fields_with_no_presence=True)))


@enterprise_app.command("history")
def enterprise_history(
    name: Annotated[str, typer.Option(help="The enterprise's USCC (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
) -> None:
    """Every recorded use of the enterprise's data (free of charge), one JSON line each."""
    _echo_messages(_call(name, coordinator, certs, lambda client: client.enterprise_history()))


@enterprise_app.command("object")
def enterprise_object(
    name: Annotated[str, typer.Option(help="The enterprise's USCC (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    record: Annotated[int, typer.Option(help="The audit record (seq from `enterprise history`).")],
    reason: Annotated[str, typer.Option(help="Why the enterprise objects.")],
) -> None:
    """File an objection on a record of the enterprise's history; it is forwarded within 2 working days."""
    _echo_messages([_call(name, coordinator, certs, lambda client: client.file_objection(record, reason))])


@enterprise_app.command("objections")
def enterprise_objections(
    name: Annotated[str, typer.Option(help="An enterprise (its own) or the operator (all), by certificate.")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
) -> None:
    """Objections with their status, forwarding deadline and whether it is overdue."""
    _echo_messages(_call(name, coordinator, certs, lambda client: client.list_objections()))


@enterprise_app.command("update")
def enterprise_update(
    name: Annotated[str, typer.Option(help="The platform operator (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    objection: Annotated[str, typer.Option(help="The objection's id.")],
    status: Annotated[str, typer.Option(help="forwarded or resolved.")],
    note: Annotated[str, typer.Option(help="What was done.")] = "",
) -> None:
    """Record that an objection was forwarded to the provincial node, or resolved."""
    _echo_messages([_call(name, coordinator, certs,
                          lambda client: client.update_objection(objection, status, note))])


@consent_app.command("grant")
def consent_grant(
    name: Annotated[str, typer.Option(help="The platform operator recording it (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    enterprise: Annotated[str, typer.Option(help="The authorizing enterprise's USCC.")],
    bank: Annotated[str, typer.Option(help="The bank it authorizes.")],
    until: Annotated[str, typer.Option(help="Last day the authorization holds, YYYY-MM-DD.")],
    category: Annotated[list[str], typer.Option(help=f"A data category, repeat per category, or 'all': "
                                                f"{', '.join(CATEGORIES)}.")],
    purpose: Annotated[str, typer.Option(help="What the data may be used for (only 'financing').")] = PURPOSE,
) -> None:
    """Record that an enterprise authorizes a bank to use its data for financing."""
    from federation.party.client import CoordinatorClient

    categories = list(CATEGORIES) if category == ["all"] else category
    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            consent = client.grant_consent(enterprise, bank, categories, until, purpose)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
    typer.echo(consent.id)


@consent_app.command("revoke")
def consent_revoke(
    name: Annotated[str, typer.Option(help="The platform operator recording it (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    consent_id: Annotated[str, typer.Option("--id", help="The consent to revoke.")],
) -> None:
    """Revoke a consent; jobs started from now on no longer use the enterprise's data."""
    from federation.party.client import CoordinatorClient

    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            client.revoke_consent(consent_id)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
    typer.echo(f"revoked {consent_id}")


@consent_app.command("list")
def consent_list(
    name: Annotated[str, typer.Option(help="Operator (every record) or bank (its own), by certificate.")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
) -> None:
    """Consent records the caller may see, one JSON line each."""
    from google.protobuf.json_format import MessageToDict

    from federation.party.client import CoordinatorClient

    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            consents = client.list_consents()
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
    for consent in consents:
        typer.echo(json.dumps(MessageToDict(consent)))


@audit_app.command("verify")
def audit_verify(
    store: Annotated[Path | None, typer.Option(help="The coordinator's store folder (its SQLite database).")
                     ] = None,
    db: Annotated[str | None, typer.Option(help="Or a SQLAlchemy URL of (a copy of) its database.")] = None,
    head: Annotated[str | None, typer.Option(help="A head SHA-256 noted earlier; the chain must contain it.")
                    ] = None,
) -> None:
    """Check the audit chain directly in the database; name the first edited or missing entry."""
    from federation.coordinator.audit import verify_database

    if (store is None) == (db is None):
        _fail("give exactly one of --store and --db")
    if store is not None and not (store / "coordinator.db").is_file():
        _fail(f"no coordinator database in {store}")
    verdict = verify_database(db or f"sqlite:///{store / 'coordinator.db'}", head)
    if not verdict.ok:
        _fail(f"audit log fails verification at entry {verdict.first_bad}: {verdict.problem}")
    typer.echo(f"audit log intact: {verdict.entries} entries, head {verdict.head_sha256}")


@audit_app.command("summary")
def audit_summary(
    name: Annotated[str, typer.Option(help="A regulator or operator (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
) -> None:
    """Counts per action, party and data category, and the chain's head, as one JSON object."""
    from google.protobuf.json_format import MessageToDict

    from federation.party.client import CoordinatorClient

    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            summary = client.audit_summary()
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
    typer.echo(json.dumps(MessageToDict(summary, always_print_fields_with_no_presence=True)))


@audit_app.command("usage")
def audit_usage(
    name: Annotated[str, typer.Option(help="An operator or regulator (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    period: Annotated[str, typer.Option(help="month or day.")] = "month",
) -> None:
    """Usage of platform data per period, bank, purpose and category (for the data-providing
    departments): distinct enterprises and uses, one JSON line each."""
    report = _call(name, coordinator, certs, lambda client: client.audit_usage(period))
    _echo_messages(report.rows)


@app.command()
def health(
    name: Annotated[str, typer.Option(help="The identity to probe with (its certificate in --certs).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    registered: Annotated[bool, typer.Option(
        "--registered", help="Also require NAME to be registered with the coordinator (a party agent's "
                             "health: it dials out and serves nothing itself).")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds before the probe gives up.")] = 5.0,
) -> None:
    """Exit 0 if the coordinator's grpc.health.v1 service answers SERVING over mutual TLS (health checks)."""
    from dataclasses import asdict

    from federation.party.health_probe import probe

    try:
        credentials = load_credentials(certs, name)
    except CertificateError as exc:
        _fail(str(exc))
    result = probe(coordinator, credentials, registered=registered, timeout=timeout)
    typer.echo(json.dumps(asdict(result)))
    raise typer.Exit(0 if result.healthy else 1)


@app.command()
def coordinator(
    certs: CertsDir,
    store: Annotated[Path, typer.Option(help="Folder for the registry database and relayed messages.")],
    listen: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1:50051",
    db: Annotated[str | None, typer.Option(help="SQLAlchemy URL; default: SQLite file in --store.")] = None,
    port_file: Annotated[Path | None, typer.Option(help="Write the bound port here once listening.")] = None,
    party_deadline: Annotated[float, typer.Option(
        help="Seconds a party of an unfinished job may stay disconnected before the job fails naming it; "
             "a job's params.party_deadline_seconds overrides it.")] = DEFAULT_PARTY_DEADLINE_SECONDS,
) -> None:
    """Run the coordinator: registries, job state machines and the protocol relay."""
    from federation.coordinator.server import CoordinatorConfig, serve

    _logging("coordinator")
    try:
        serve(CoordinatorConfig(certs=certs, store=store, listen=listen, database_url=db,
                                party_deadline_seconds=party_deadline), port_file)
    except CertificateError as exc:
        _fail(str(exc))


@app.command()
def party(
    role: Annotated[Role, typer.Option(help="platform or bank.")],
    name: Annotated[str, typer.Option(help="This party's name; must match its certificate.")],
    data: Annotated[Path, typer.Option(help="The party's table, CSV or Parquet.")],
    schema: Annotated[Path, typer.Option(help="The table's YAML schema.")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    workdir: Annotated[Path, typer.Option(help="Private folder for this party's keys and job outputs.")],
    psi_workers: Annotated[int | None, typer.Option(help="Processes for PSI hashing and blinding.")] = None,
    receive_timeout: Annotated[float, typer.Option(help="Seconds to wait for a peer's message.")] = 600.0,
    reconnect_seconds: Annotated[float, typer.Option(
        help="How long to keep retrying while the coordinator is unreachable.")] = 60.0,
    psi_epoch_hours: Annotated[float, typer.Option(
        help="Platform only: blind the register once per this many hours, ahead of jobs; 0 = per job.")] = 24.0,
    enforce_consent: Annotated[bool, typer.Option(
        help="Platform only: restrict every job to the enterprises that authorize its bank. Switch off "
             "only for data without consent records (evaluations, benchmarks); jobs then report "
             "basis 'not_checked' to the audit log.")] = True,
    ray_address: Annotated[str | None, typer.Option(
        help="Run the chunk tasks of batch scoring and of a bank's monitoring job on Ray ('local' starts a "
             "private instance, or an existing cluster's address); default: worker processes on this machine.")
    ] = None,
) -> None:
    """Run a party agent: load the table, connect out to the coordinator, take part in jobs."""
    from federation.party.agent import PartyAgent
    from federation.governance.classification import load_platform_schema
    from federation.party.client import CoordinatorClient
    from federation.party.handlers import follow_ups, handlers, platform_labels
    from federation.party.online_serving import ScoringServer
    from federation.party.psi_register import BlindedRegister

    _logging(name)
    if role not in (Role.PLATFORM, Role.BANK):
        _fail("--role must be platform or bank")
    try:
        credentials = load_credentials(certs, name)
        loaded_schema, classification = load_platform_schema(schema) if role is Role.PLATFORM else (schema, None)
        table = load_table(data, loaded_schema, role=role.value)
        if role is Role.PLATFORM and enforce_consent:
            categories_of(table.features.columns)
    except (CertificateError, DataError, UnknownCategory) as exc:
        _fail(str(exc))
    workdir.mkdir(parents=True, exist_ok=True)
    register = None
    if role is Role.PLATFORM and psi_epoch_hours > 0:
        register = BlindedRegister(workdir / "psi_epoch", table.ids.tolist(),
                                   max_age_seconds=psi_epoch_hours * 3600, workers=psi_workers)
        threading.Thread(target=register.current, name="psi-epoch", daemon=True).start()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with CoordinatorClient(coordinator, credentials, reconnect_seconds=reconnect_seconds) as client:
        labels = {}
        if role is Role.PLATFORM:
            labels = platform_labels(enforce_consent, table.features.columns)
            serving = ScoringServer(client, workdir / "models")
            threading.Thread(target=serving.run, args=(stop,), name="scoring", daemon=True).start()
            if not serving.ready.wait(reconnect_seconds):
                logging.getLogger(__name__).warning("not serving online scoring yet; still trying")
        agent = PartyAgent(client, role, table, workdir,
                           handlers(enforce_consent=enforce_consent, psi_workers=psi_workers,
                                    psi_register=register, classification=classification,
                                    ray_address=ray_address),
                           receive_timeout=receive_timeout, labels=labels, follow_ups=follow_ups())
        try:
            agent.run(stop)
        except grpc.RpcError as exc:
            _fail(f"{name} cannot work with the coordinator at {coordinator}: {exc.code().name}: "
                  f"{exc.details()} (is it running, and are both certificates from the same CA?)")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Output folder.")],
    enterprises: Annotated[int, typer.Option(help="Enterprises on the platform.")] = 10_000,
    banks: Annotated[int, typer.Option(help="Number of banks.")] = 2,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same files.")] = 0,
    days: Annotated[int, typer.Option(help="Days of the daily event feed.")] = 30,
) -> None:
    """Generate a synthetic platform table, bank tables, ground truth and an event feed."""
    from federation.data.synthetic import generate

    summary = generate(out, enterprises=enterprises, banks=banks, seed=seed, days=days)
    typer.echo(json.dumps(summary.to_dict()))


def _run_job(name: str, coordinator: str, certs: Path, kind: str, platform: str, params: dict[str, Any],
             timeout: float) -> dict[str, Any]:
    """Submit a job as ``name``, wait for it, and return its summary; one clear line on failure."""
    from federation.party.client import CoordinatorClient, JobFailed, job_summary

    with CoordinatorClient(coordinator, load_credentials(certs, name)) as client:
        try:
            job = client.submit_job(kind, [platform], params)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
        try:
            return job_summary(client.wait_for_job(job.id, timeout))
        except (JobFailed, TimeoutError) as exc:
            _fail(str(exc))


@app.command()
def psi(
    name: Annotated[str, typer.Option(help="The bank running the intersection (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    platform: PlatformName = "platform",
    timeout: JobTimeout = 1800.0,
    legal_basis: LegalBasis = None,
    as_json: JobJson = False,
) -> None:
    """Align the bank's customers with the platform by private set intersection."""
    params = {} if legal_basis is None else {"legal_basis": legal_basis}
    summary = _run_job(name, coordinator, certs, "psi", platform, params, timeout)
    typer.echo(json.dumps(summary) if as_json else
               f"job {summary['job_id']}: {name} and {platform} share "
               f"{summary['results'][name].get('intersection_size')} enterprises")


@app.command()
def train(
    name: Annotated[str, typer.Option(help="The bank training the model (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    psi_job: Annotated[str, typer.Option(help="The finished PSI job whose intersection to train on.")],
    platform: PlatformName = "platform",
    trees: Annotated[int, typer.Option(help="Boosting rounds.")] = 30,
    depth: Annotated[int, typer.Option(help="Maximum tree depth.")] = 3,
    learning_rate: Annotated[float, typer.Option(help="Shrinkage per tree.")] = 0.3,
    max_bin: Annotated[int, typer.Option(help="Bins per feature.")] = 32,
    test_size: Annotated[float | None, typer.Option(help="Hold out this share of the intersection and report "
                                                     "AUC and KS on it.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the model and of the holdout.")] = 0,
    encryption: Annotated[str, typer.Option(help="HE backend: heu-ou, heu-zpaillier or phe-paillier.")
                          ] = "heu-ou",
    timeout: JobTimeout = 7200.0,
    legal_basis: LegalBasis = None,
    as_json: JobJson = False,
) -> None:
    """Train a joint SecureBoost model with the platform, gradients encrypted under the bank's key."""
    params: dict[str, object] = {"psi_job": psi_job, "model": {
        "n_estimators": trees, "max_depth": depth, "learning_rate": learning_rate, "max_bin": max_bin,
        "random_state": seed, "encryption": encryption}}
    if test_size is not None:
        params["holdout"] = {"test_size": test_size, "seed": seed}
    if legal_basis is not None:
        params["legal_basis"] = legal_basis
    summary = _run_job(name, coordinator, certs, "secureboost", platform, params, timeout)
    metrics = summary["results"][name]["model"]["metrics"]
    typer.echo(json.dumps(summary) if as_json else f"model {summary['job_id']}: {metrics}")


@app.command("score-batch")
def score_batch(
    name: Annotated[str, typer.Option(help="The bank scoring (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    model: ModelId,
    psi_job: Annotated[str, typer.Option(help="The PSI job whose enterprises to score.")],
    platform: PlatformName = "platform",
    timeout: JobTimeout = 7200.0,
    as_json: JobJson = False,
) -> None:
    """Score every enterprise of a PSI alignment, encrypted; the bank's agent writes scores.parquet."""
    summary = _run_job(name, coordinator, certs, "score_batch", platform, {"model": model, "psi_job": psi_job},
                       timeout)
    typer.echo(json.dumps(summary) if as_json else
               f"job {summary['job_id']}: scored {summary['results'][name]['scored']} enterprises; "
               f"scores.parquet is in {name}'s work folder under jobs/{summary['job_id']}")


@app.command("publish-masks")
def publish_masks(
    name: Annotated[str, typer.Option(help="The bank (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    model: ModelId,
    psi_job: Annotated[str, typer.Option(help="The PSI job whose enterprises the bank may score online.")],
    platform: PlatformName = "platform",
    timeout: JobTimeout = 7200.0,
    as_json: JobJson = False,
) -> None:
    """Have the platform publish its encrypted indicators for online scoring of an alignment."""
    summary = _run_job(name, coordinator, certs, "publish_masks", platform, {"model": model, "psi_job": psi_job},
                       timeout)
    typer.echo(json.dumps(summary) if as_json else
               f"job {summary['job_id']}: {platform} published masks for {summary['results'][name]['published']} "
               f"enterprises; {name} can score them online with model {model}")


@app.command()
def score(
    name: Annotated[str, typer.Option(help="The bank scoring (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    workdir: Annotated[Path, typer.Option(help="The bank agent's work folder (model part and masks).")],
    model: ModelId,
    enterprise: Annotated[str, typer.Option(help="The applicant's USCC.")],
    data: Annotated[Path, typer.Option(help="The bank's table holding the applicant's row.")],
    schema: Annotated[Path, typer.Option(help="The table's YAML schema.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the score as one JSON line.")] = False,
) -> None:
    """Score one applicant online, encrypted, through the coordinator."""
    from dataclasses import asdict

    from federation.party.client import CoordinatorClient
    from federation.party.online_scoring import ApplicantNotPublished, OnlineScorer
    from models.scoring.drift import SchemaDriftError

    try:
        features = _applicant_features(data, schema, enterprise)
        scorer = OnlineScorer(workdir, model)
    except (DataError, FileNotFoundError) as exc:
        _fail(str(exc))
    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            result = scorer.score(client, enterprise, features)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
        except (ApplicantNotPublished, SchemaDriftError) as exc:
            _fail(str(exc))
    typer.echo(json.dumps(asdict(result)) if as_json else
               f"{enterprise}: raw score {result.raw_score:.6f}, probability of default {result.probability:.4f}")


def _applicant_features(data: Path, schema: Path, enterprise: str) -> pd.DataFrame:
    """The applicant's row of the bank's table; fails naming the enterprise and the file."""
    table = load_table(data, schema, role="bank")
    rows = [i for i, id_ in enumerate(table.ids.tolist()) if id_ == enterprise]
    if not rows:
        _fail(f"--enterprise {enterprise} is not in {data.name}")
    return table.features.iloc[rows[:1]]


@app.command()
def portrait(
    name: Annotated[str, typer.Option(help="The bank asking (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    workdir: Annotated[Path, typer.Option(help="The bank agent's work folder (model part, masks, records).")],
    model: ModelId,
    enterprise: Annotated[str, typer.Option(help="The enterprise's USCC.")],
    data: Annotated[Path, typer.Option(help="The bank's table holding the enterprise's row.")],
    schema: Annotated[Path, typer.Option(help="The table's YAML schema.")],
    out: Annotated[Path, typer.Option(help="Where to write the HTML page.")] = Path("portrait.html"),
    peers_job: Annotated[str | None, typer.Option(
        help="A finished score_batch job of this bank with the same model: the peers to compare with.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the portrait as JSON too.")] = False,
) -> None:
    """A credit portrait: score, grade, peer standing, reason codes by data group, public records."""
    from federation.party.client import CoordinatorClient
    from federation.party.online_scoring import ApplicantNotPublished
    from federation.party.portrait import build_portrait
    from models.portrait.html import render_html
    from models.portrait.reasons import ModelWithoutNodeValues
    from models.scoring.drift import SchemaDriftError

    try:
        features = _applicant_features(data, schema, enterprise)
    except DataError as exc:
        _fail(str(exc))
    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            result = build_portrait(client, workdir, model, enterprise, features, peers_job)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
        except (ApplicantNotPublished, SchemaDriftError, ModelWithoutNodeValues, FileNotFoundError,
                ValueError) as exc:
            _fail(str(exc))
    out.write_text(render_html(result), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        typer.echo(f"{enterprise}: grade {result.grade.label}, {result.points:.0f} points, probability of default "
                   f"{result.probability:.4f}; portrait written to {out}")


@app.command()
def publish(
    name: Annotated[str, typer.Option(help="The bank receiving the public records (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    region: Annotated[str | None, typer.Option(help="Enterprises registered in this region (reg_region).")] = None,
    industry: Annotated[str | None, typer.Option(help="Enterprises of this industry (reg_industry).")] = None,
    platform: PlatformName = "platform",
    timeout: JobTimeout = 1800.0,
    as_json: JobJson = False,
) -> None:
    """Have the platform push the public records (public columns only) of a region and/or industry."""
    from federation.governance.publication import PublicationError, PublicSelection

    try:
        selection = PublicSelection(region, industry)
    except PublicationError as exc:
        _fail(str(exc))
    summary = _run_job(name, coordinator, certs, "publish", platform, selection.to_params(), timeout)
    typer.echo(json.dumps(summary) if as_json else
               f"job {summary['job_id']}: {platform} published {summary['results'][platform]['published']} "
               f"enterprises' public records; public_records.parquet is in {name}'s work folder under "
               f"jobs/{summary['job_id']}")


def _model_card(name: str, coordinator: str, certs: Path, model_id: str, workdir: Path | None,
                segments: list[Path] | None, drift: Path | None, publish_card: bool) -> dict[str, Any]:
    """Generated by the owner from its work folder (and published if asked), else the published card."""
    from federation.party.model_card import generate_card

    if workdir is None:
        return json.loads(_call(name, coordinator, certs, lambda c: c.get_model_card(model_id)).card_json)
    try:
        card = _call(name, coordinator, certs, lambda c: generate_card(c, model_id, workdir, segments, drift))
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    if publish_card:
        card = json.loads(_call(name, coordinator, certs,
                                lambda c: c.publish_model_card(model_id, json.dumps(card))).card_json)
    return card


CardModel = Annotated[str, typer.Argument(help="The model (its training job id).")]
CardName = Annotated[str, typer.Option(help="The owning bank or a regulator (its certificate).")]
CardWorkdir = Annotated[Path | None, typer.Option(
    help="Owner only: the bank agent's work folder, to generate the card from its holdout predictions; "
         "without it the published card is fetched from the coordinator.")]
CardSegments = Annotated[list[Path] | None, typer.Option(
    help="Public registration fields (uscc, reg_industry, reg_region, reg_size) for segment metrics, "
         "e.g. the public_records.parquet of publish jobs; repeat per file.")]
CardDrift = Annotated[Path | None, typer.Option(
    help="A monitoring (drift) report as a JSON file; default: the newest the platform filed for the model.")]
CardPublish = Annotated[bool, typer.Option("--publish", help="Publish the generated card for the regulator.")]


@model_card_app.command("show")
def model_card_show(
    model_id: CardModel,
    name: CardName,
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    output: Annotated[str, typer.Option("--format", help="json, md or html.")] = "md",
    workdir: CardWorkdir = None,
    segments: CardSegments = None,
    drift: CardDrift = None,
    publish_card: CardPublish = False,
) -> None:
    """Print a model's card: generated by its owner from what the system holds, or fetched (regulator)."""
    from models.model_card import CARD_FORMATS

    if output not in CARD_FORMATS:
        _fail(f"--format must be one of {', '.join(CARD_FORMATS)}, got {output!r}")
    card = _model_card(name, coordinator, certs, model_id, workdir, segments, drift, publish_card)
    typer.echo(CARD_FORMATS[output](card))


@model_card_app.command("export")
def model_card_export(
    model_id: CardModel,
    name: CardName,
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    out: Annotated[Path, typer.Option(help="Folder for model_card.json, model_card.md and model_card.html.")],
    workdir: CardWorkdir = None,
    segments: CardSegments = None,
    drift: CardDrift = None,
    publish_card: CardPublish = False,
) -> None:
    """Write a model's card in every format (JSON with its schema, Markdown, HTML) to a folder."""
    from models.model_card import write_card

    card = _model_card(name, coordinator, certs, model_id, workdir, segments, drift, publish_card)
    for path in write_card(card, out):
        typer.echo(str(path))


@disclosure_app.command("send")
def disclosure_send(
    model_id: CardModel,
    name: Annotated[str, typer.Option(help="The platform (its certificate).")],
    to: Annotated[str, typer.Option(help="The regulator to disclose to; its certificate is <certs>/<to>.pem.")],
    workdir: Annotated[Path, typer.Option(help="The platform agent's work folder (holds the model's part).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    recipient_cert: Annotated[Path | None, typer.Option(help="The regulator's certificate, if not in --certs.")
                              ] = None,
) -> None:
    """Seal the platform's bins of a scorecard, edges included, to one regulator's certificate."""
    from federation.governance.disclosure import DisclosureError
    from federation.party.scorecard_disclosure import disclose_platform_bins

    pem_path = recipient_cert or certs / f"{to}.pem"
    if not pem_path.is_file():
        _fail(f"no certificate for {to!r} at {pem_path}")
    ca_pem = load_credentials(certs, name).ca_pem
    try:
        sent = _call(name, coordinator, certs, lambda c: disclose_platform_bins(
            c, model_id, workdir / "models", pem_path.read_bytes(), ca_pem))
    except (FileNotFoundError, ValueError, DisclosureError) as exc:
        _fail(str(exc))
    typer.echo(f"model {model_id}: {sent.what} sealed to {sent.recipient} ({len(sent.sealed)} bytes)")


@disclosure_app.command("show")
def disclosure_show(
    model_id: CardModel,
    name: Annotated[str, typer.Option(help="The regulator (its certificate and key).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    output: Annotated[str, typer.Option("--format", help="md or csv.")] = "md",
) -> None:
    """The platform's bins of a scorecard disclosed to this regulator, opened with its own key."""
    from federation.governance.disclosure import DisclosureError
    from federation.party.scorecard_disclosure import read_platform_bins
    from models.model_card.markdown import frame_table

    if output not in ("md", "csv"):
        _fail(f"--format must be md or csv, got {output!r}")
    key_pem = load_credentials(certs, name).key_pem
    try:
        table = _call(name, coordinator, certs, lambda c: read_platform_bins(c, model_id, key_pem))
    except (LookupError, DisclosureError) as exc:
        _fail(str(exc))
    typer.echo(table.to_csv(index=False) if output == "csv" else frame_table(table))


@app.command("approve-model")
def approve_model(
    model_id: Annotated[str, typer.Argument(help="The model (its training job id).")],
    name: Annotated[str, typer.Option(help="The model-risk reviewer, a regulator (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    decision: Annotated[str, typer.Option(help="approved, rejected or conditional.")],
    note: Annotated[str, typer.Option(help="Conditions or reasons, shown on the card.")] = "",
) -> None:
    """Record a model-risk review decision; the model's card shows it."""
    _echo_messages([_call(name, coordinator, certs, lambda c: c.approve_model(model_id, decision, note))])


@app.command()
def models(
    name: Annotated[str, typer.Option(help="The party whose models to list (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
) -> None:
    """The model registry: every model this party holds a part of, one JSON line each."""
    from google.protobuf.json_format import MessageToDict

    from federation.party.client import CoordinatorClient

    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        for model in client.list_models():
            typer.echo(json.dumps(MessageToDict(model)))


@app.command()
def jobs(
    name: Annotated[str, typer.Option(help="The party whose jobs to list (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per job.")] = False,
) -> None:
    """List the jobs this party takes part in, with each party's state and reported results."""
    from federation.party.client import CoordinatorClient, job_summary

    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        summaries = [job_summary(job) for job in client.list_jobs()]
    for summary in summaries:
        typer.echo(json.dumps(summary) if as_json else
                   f"{summary['job_id']}  {summary['kind']:<6} {summary['state']:<9} {summary['error']}")


@app.command()
def demo(
    enterprises: Annotated[int, typer.Option(help="Synthetic enterprises on the platform.")] = 5_000,
    seed: Annotated[int, typer.Option(help="Random seed for the synthetic data.")] = 0,
    workdir: Annotated[Path | None, typer.Option(help="Keep everything here (default: a temporary folder).")
                       ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON object on the last line.")] = False,
    portrait: Annotated[Path, typer.Option(help="Where to write the demo applicant's portrait page.")
                        ] = Path("demo-portrait.html"),
) -> None:
    """Synthetic data, coordinator, platform and two banks as processes over mutual TLS: PSI, joint
    training, encrypted batch and online scoring, a credit portrait."""
    from federation.demo import run_demo

    _logging("demo", logging.WARNING)
    report = run_demo(enterprises=enterprises, seed=seed, workdir=workdir, echo=not as_json, portrait_page=portrait)
    if as_json:
        typer.echo(json.dumps(report))
    if not report["ok"]:
        raise typer.Exit(1)


@app.command()
def evaluate(
    bank_data: Annotated[Path, typer.Option(help="The bank's table (CSV or Parquet).")],
    bank_schema: Annotated[Path, typer.Option(help="The bank's schema YAML (id, label, features).")],
    platform_data: Annotated[Path, typer.Option(help="The platform's table.")],
    platform_schema: Annotated[Path, typer.Option(help="The platform's schema YAML.")],
    model: Annotated[str, typer.Option(help="Joint model to evaluate: secureboost or scorecard.")] = "secureboost",
    trees: Annotated[int, typer.Option(help="Boosting rounds.")] = 30,
    depth: Annotated[int, typer.Option(help="Maximum tree depth.")] = 3,
    learning_rate: Annotated[float, typer.Option(help="Shrinkage per tree.")] = 0.3,
    max_bin: Annotated[int, typer.Option(help="Bins per feature.")] = 32,
    folds: Annotated[int | None, typer.Option(help="Stratified k-fold instead of one holdout.")] = None,
    test_size: Annotated[float, typer.Option(help="Share of enterprises held out for testing.")] = 0.3,
    seed: Annotated[int, typer.Option(help="Seed of the holdout and of the model.")] = 0,
    scorecard_bins: Annotated[int, typer.Option(help="Scorecard: most bins per feature.")] = 8,
    min_bin_size: Annotated[int, typer.Option(help="Scorecard: fewest rows in a bin.")] = 50,
    encryption: Annotated[str, typer.Option(help="HE backend: heu-ou, heu-zpaillier or phe-paillier.")
                          ] = "heu-ou",
    workdir: Annotated[Path | None, typer.Option(help="Keep the federation's files here (default: temporary).")
                       ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="End with one JSON object on the last line.")] = False,
) -> None:
    """Joint model (real federation, encrypted) against LightGBM on the joined table and on the bank's alone."""
    from federation.evaluate import EvaluationInput, holdout_specs, run_evaluate
    from models.scorecard import ScorecardClassifier
    from models.secureboost import SecureBoostClassifier

    _logging("evaluate", logging.WARNING)
    if model not in ("secureboost", "scorecard"):
        _fail(f"--model {model!r}: choose 'secureboost' or 'scorecard'")
    try:
        classifier: SecureBoostClassifier | ScorecardClassifier = SecureBoostClassifier(
            n_estimators=trees, max_depth=depth, learning_rate=learning_rate, max_bin=max_bin, random_state=seed,
            encryption=encryption)
        if model == "scorecard":
            classifier = ScorecardClassifier(max_bins=scorecard_bins, min_bin_size=min_bin_size,
                                             encryption=encryption)
        specs = holdout_specs(folds, test_size, seed)
        report = run_evaluate(EvaluationInput(bank_data, bank_schema, platform_data, platform_schema),
                              classifier, specs, workdir=workdir)
    except DataError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc))
    lines = [f"{key:26s} {report[key]}" for key in ("n_intersection", "auc_joint", "auc_centralized",
                                                     "auc_bank_only", "ks_joint", "train_seconds",
                                                     "centralized_train_seconds")]
    typer.echo("\n".join(lines), err=as_json)
    if as_json:
        typer.echo(json.dumps(report))


@loans_app.command("report")
def loans_report(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet: loan_id, enterprise, granted_on, matures_on "
                                              "[, closed_on].")],
    name: Annotated[str, typer.Option(help="The bank reporting (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
) -> None:
    """Report loans granted through the platform; their borrowers are monitored while they consent."""
    from federation.party.client import CoordinatorClient
    from federation.party.monitoring_calls import report_loans
    from models.monitoring.portfolio import LoanFileError, read_loans

    try:
        loans = read_loans(file)
    except LoanFileError as exc:
        _fail(str(exc))
    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            stored, active = report_loans(client, loans)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
    typer.echo(f"reported {stored} loans; {name} has {active} active loans through the platform")


@monitor_app.command("run")
def monitor_run(
    date: Annotated[str, typer.Option(help="The day to monitor, YYYY-MM-DD (usually yesterday).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    data: Annotated[Path, typer.Option(help="The platform's table, CSV or Parquet.")],
    schema: Annotated[Path, typer.Option(help="The platform table's YAML schema.")],
    workdir: Annotated[Path, typer.Option(help="The platform agent's work folder (model parts; monitoring "
                                               "progress and reports go under monitoring/).")],
    events: Annotated[Path, typer.Option(help="The daily event feed (date, uscc, event_type, details).")],
    rules: Annotated[Path, typer.Option(help="Alert rules YAML (see examples/monitoring/rules.yaml).")],
    name: Annotated[str, typer.Option(help="The monitoring identity (a platform-role certificate of its own).")
                    ] = "monitor",
    ray_address: Annotated[str, typer.Option(help="Ray for the scoring and rule tasks: 'local' starts a "
                                                  "private instance, or an existing cluster's address; '' runs "
                                                  "them on worker processes of this machine instead.")
                           ] = "local",
    workers: Annotated[int | None, typer.Option(help="CPUs of the private Ray instance (default: all).")] = None,
    enforce_consent: Annotated[bool, typer.Option(
        help="Score only enterprises that authorize the bank for every category of the platform's table.")] = True,
    timeout: JobTimeout = 7200.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's summary as one JSON line.")] = False,
) -> None:
    """The nightly run: event alerts, each bank's encrypted re-scoring and score alerts, drift reports."""
    import datetime as dt

    from federation.governance.classification import load_platform_schema, refuse_sensitive
    from federation.monitoring.runner import MonitoringRun, RunConfig, read_feed
    from federation.party.client import CoordinatorClient
    from federation.scaleout.executor import shard_executor
    from models.monitoring.event_rules import FeedError
    from models.monitoring.rules import load_rules

    _logging(name)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        _fail(f"--date {date!r} is not a date (YYYY-MM-DD)")
    try:
        rule_set = load_rules(rules)
        loaded_schema, classification = load_platform_schema(schema)
        table = load_table(data, loaded_schema, role="platform")
        refuse_sensitive(table.features.columns, classification)
        feed = read_feed(events)
    except (DataError, OSError, PermissionError, ValueError) as exc:  # rules, schema, table, feed: named inside
        _fail(str(exc))
    executor = shard_executor(ray_address, workers)
    try:
        with CoordinatorClient(coordinator, load_credentials(certs, name)) as client:
            client.register({"role": "platform", "monitoring": "true"})
            config = RunConfig(day, rule_set, feed, workdir, enforce_consent=enforce_consent, job_timeout=timeout)
            summary = MonitoringRun(client, table, config, executor).run()
    except grpc.RpcError as exc:
        _fail(exc.details() or str(exc.code()))
    except FeedError as exc:
        _fail(str(exc))
    finally:
        executor.close()
    typer.echo(json.dumps(summary) if as_json else
               "\n".join([f"{date}: {summary['events_of_the_day']} events in the feed"] +
                         [f"{bank}: {state.get('events', {}).get('alerts')} event alerts, scored "
                          f"{state.get('scored')} with model {state.get('model_id')}"
                          + (f"; FAILED: {state['error']}" if state.get("error") else "")
                          for bank, state in summary["banks"].items()]))
    if summary["failed"]:
        raise typer.Exit(1)


@monitor_app.command("baseline")
def monitor_baseline(
    data: Annotated[Path, typer.Option(help="The platform's table as the model was trained on it.")],
    schema: Annotated[Path, typer.Option(help="The platform table's YAML schema.")],
    workdir: Annotated[Path, typer.Option(help="The platform agent's work folder.")],
) -> None:
    """Snapshot the feature distributions that feature-group drift is measured against."""
    from federation.governance.classification import load_platform_schema
    from federation.monitoring.runner import baseline_path, save_baseline

    try:
        table = load_table(data, load_platform_schema(schema)[0], role="platform")
    except DataError as exc:
        _fail(str(exc))
    save_baseline(workdir, table)
    typer.echo(f"baseline of {len(table.ids)} enterprises written to {baseline_path(workdir)}")


@monitor_app.command("report")
def monitor_report(
    name: Annotated[str, typer.Option(
        help="A regulator, operator or platform; a bank reads its own (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    date: Annotated[str, typer.Option(help="Only this run's reports, YYYY-MM-DD.")] = "",
) -> None:
    """Drift reports (score and feature-group PSI) of monitoring runs, one JSON line per run and bank."""
    from federation.party.client import CoordinatorClient
    from federation.party.monitoring_calls import monitoring_reports

    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=5) as client:
        try:
            reports = monitoring_reports(client, date)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
    for report in reports:
        typer.echo(json.dumps(report))


@alerts_app.command("watch")
def alerts_watch(
    name: Annotated[str, typer.Option(help="The bank (its certificate).")],
    coordinator: CoordinatorAddr,
    certs: CertsDir,
    workdir: Annotated[Path, typer.Option(help="The bank agent's work folder (its alert key; the inbox "
                                               "monitoring/alerts.db is kept there).")],
    reconnect_seconds: Annotated[float, typer.Option(
        help="How long to keep retrying while the coordinator is unreachable.")] = 60.0,
) -> None:
    """Receive the bank's alerts into its local inbox, printing each new one as a JSON line."""
    from federation.party.alert_subscriber import INBOX_FILE, AlertInbox, AlertSubscriber, alert_line
    from federation.party.client import CoordinatorClient
    from federation.party.monitoring_state import BankMonitoringState

    _logging(name)
    state = BankMonitoringState(workdir)
    inbox = AlertInbox(state.root / INBOX_FILE)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with CoordinatorClient(coordinator, load_credentials(certs, name), reconnect_seconds=reconnect_seconds) as client:
        subscriber = AlertSubscriber(client, inbox, state.sealing_key(),
                                     on_new=lambda alert: typer.echo(alert_line(alert)))
        try:
            subscriber.run(stop)
        except grpc.RpcError as exc:
            _fail(exc.details() or str(exc.code()))
        finally:
            inbox.close()
