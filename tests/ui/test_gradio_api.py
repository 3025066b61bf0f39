"""gradio_client against the real running server."""
from gradio_client import Client


def test_ask_endpoint_returns_answer_with_citations(app_server):
    client = Client(app_server["url"], verbose=False)
    names = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/ask" in names and "/search" in names
    result = client.predict("石景山老楼加梯竣工总量是多少部？", api_name="/ask")
    assert "173部" in result["answer"] and not result["refused"]
    assert result["citations"] and "173部" in result["citations"][0]["text"]
    refused = client.predict("上海静安区加装电梯每户补贴多少？", api_name="/ask")
    assert refused["refused"] and not refused["citations"]


def test_search_endpoint(app_server):
    client = Client(app_server["url"], verbose=False)
    result = client.predict("石景山老樓加梯竣工總量是多少部？", 3, api_name="/search")
    assert len(result["hits"]) == 3 and "173部" in result["hits"][0]["text"]
