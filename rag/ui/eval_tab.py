"""评测 tab: placeholder replaced by the eval runner."""
import gradio as gr


def build_eval_tab(settings, index_dir):
    gr.Markdown("评测")
