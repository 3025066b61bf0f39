"""Answers composed over a tiny corpus written for the test, indexed with the real model: how a list shares its
length, and how an answer that is itself a place reads."""
from helpers import make_settings

from rag.answering.answer_service import AnswerService
from rag.ingest.indexer import ingest

SERVICES = """梧桐社区便民服务介绍
梧桐社区服务中心为老人和其他居民提供多种便民服务，包括代缴水电费、代收快递、家电维修咨询、理发义剪、手机使用培训以及免费法律咨询，每周一至周五全天开放，节假日另行通知，具体安排以社区公告栏和居民微信群的通知为准。
梧桐社区还为老人提供文体服务，社区内有多个口袋公园、文化广场和一间社区图书馆，老人可以在这些地方散步、下棋、读书、写书法、参加合唱团和各种文体活动，每个周末还有医生志愿者主讲的健康讲座和防诈骗讲座。
从2024年开始，梧桐社区为六十岁以上老人提供免费体检和上门送餐服务，并为行动不便的老人安排专人陪同就医。
"""

PERSON = """严文山简介
严文山，出生于上海市，祖籍浙江杭州，台湾基隆中学毕业，现为一家公益基金会的董事长。
严文山早年在台北的一家饭店工作，后来升任总经理。
"""


def _service(tmp_path, name: str, text: str) -> AnswerService:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / name).write_text(text, encoding="utf-8")
    settings = make_settings(tmp_path / "index")
    ingest([docs], settings, tmp_path / "index")
    return AnswerService(settings, tmp_path / "index")


def test_a_list_gives_its_best_sentence_before_sharing_the_rest(tmp_path):
    a = _service(tmp_path, "wutong.txt", SERVICES).ask("梧桐社区给六十岁以上老人提供哪些上门服务？")
    # three sentences answer and the 2024 one ranks first; in document order it comes last, and with the length
    # spent on the two long ones before it, it used to be left out
    assert not a.refused
    assert "上门送餐服务" in a.answer and "陪同就医" in a.answer
    assert a.answer.index("便民服务") < a.answer.index("上门送餐服务")  # shown in the documents' order


def test_a_place_answer_is_a_city_the_gazetteer_knows_and_carries_no_place_label(tmp_path):
    service = _service(tmp_path, "yan.txt", PERSON)
    for question in ("严文山出生在什么地方？", "严文山生于何处？"):  # 何处: "where" as written text asks it
        a = service.ask(question)
        assert not a.refused and "上海市" in a.answer
        # the sentence's place (基隆) would read as the answer if it led it
        assert a.answer.startswith("严文山")
