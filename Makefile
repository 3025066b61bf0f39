# The README's two commands. Both do all the set-up a fresh machine needs.
.PHONY: run test setup bench eval

export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export GRADIO_ANALYTICS_ENABLED=False

run:            ## index docs/ if missing or stale, then open the chat UI on 127.0.0.1:7860
	bash scripts/setup.sh
	.venv/bin/python app.py

test:           ## set-up (plus browser packages) and the whole test suite
	bash scripts/setup.sh --browser
	.venv/bin/python -m pytest -q tests

bench:          ## retrieval benchmark on ../shared/datasets and the seed question set (prints + writes eval/results/)
	bash scripts/setup.sh
	.venv/bin/python eval/bench_retrieval.py

eval:           ## full evaluation run with report and plots under eval/reports/
	bash scripts/setup.sh
	.venv/bin/python app.py eval
