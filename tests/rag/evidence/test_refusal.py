"""The evidence checks on the real seed index: each refuses for its own reason, and a
resident's situation words do not make an answerable question look unanswerable."""
import pytest

from rag.evidence.question_parse import focus_clauses
from rag.evidence.refusal import assess


@pytest.fixture(scope="module")
def check(searcher, seed_settings):
    def run(question):
        hits = searcher.search(question).hits
        return assess(question, hits, searcher.snapshot(), seed_settings.answer.refuse_below)
    return run


def test_focus_clauses_keep_the_asking_part():
    assert focus_clauses("我开电动车的，老小区改造以后能装充电桩吗？") == "老小区改造以后能装充电桩吗"
    assert focus_clauses("我爸卧床好几年了，长护险参保的人多不多？") == "长护险参保的人多不多"


@pytest.mark.parametrize("question, kind, named", [
    ("广州市越秀区加装电梯有什么补贴？", "entity", "广州市"),
    ("老旧小区改造可以用医保卡报销吗？", "absent", "医保卡"),
    ("帮我写一篇关于老旧小区改造的作文", "task", ""),
    ("这周末去首钢园，那边会不会下雨？", "off_topic", "下雨"),
    ("在家怎么自己做优格？", "absent", "优格"),  # a word jieba does not know: a run of single characters
    ("石景山加装一部电梯要花多少万元？", "type", "金额"),
    ("永红街道的信托制物业是哪一天正式启动的？", "type", "日期"),
])
def test_each_check_refuses_with_a_readable_reason(check, question, kind, named):
    ev = check(question)
    assert ev.refuse and ev.kind == kind, (ev.kind, ev.reason)
    assert named in ev.reason


@pytest.mark.parametrize("question", [
    "我开电动车的，永红街道老小区改造以后能装上充电桩吗？",
    "我住石景山老楼，腿脚不好，老楼加装电梯现在装好多少部了？",
    "鐘樓區老舊小區改造惠及了多少群眾？",
    "石景山区老楼加梯竣工了多少部？",
    "2019年石景山区与首开集团制定的战略合作文件叫什么？",  # 合作|文件 holds no off-topic 作文
])
def test_answerable_questions_pass_every_check(check, question):
    ev = check(question)
    assert not ev.refuse, ev.reason
    assert ev.coverage > 0.3


def test_noun_after_a_question_word_names_the_answer_kind_not_a_missing_fact(searcher):
    from rag.evidence.kb_vocabulary import absent_terms

    snap = searcher.snapshot()
    assert "门票" in absent_terms("模式口的门票多少钱？", snap)  # the thing asked about
    assert absent_terms("模式口在哪一朝代最繁华？", snap) == []  # 朝代: what kind of answer is wanted


def test_words_that_frame_a_question_are_not_its_subject(searcher):
    """那边, 以前, 后来, 收上来, 干嘛 frame the question; weighing them as subject words (with the highest idf,
    since the documents never use them) made colloquial questions look unanswerable."""
    from rag.evidence.reader import subject_weights

    snap = searcher.snapshot()
    subject = subject_weights("永红那边破破烂烂的空房子后来拿去干嘛了", snap, ["永红街道"], [])
    assert not {"那边", "后来", "干嘛"} & set(subject) and "空房子" in subject
    subject = subject_weights("永红街道改造的时候收上来多少份居民意见", snap, ["永红街道"], [])
    assert not {"上来", "收上来"} & set(subject) and "居民" in subject
    subject = subject_weights("装电梯能不能提取公积金", snap, [], [])  # 不能: a modal verb says whether, not what
    assert "不能" not in subject and "公积金" in subject


@pytest.mark.parametrize("question, absent, measured", [
    ("首钢园门票多少钱", ["门票"], True),  # the figure asked is of the word the documents never use
    ("永红那边老小区装了光伏板，能给住户省多少电费", ["电费"], True),
    ("江苏理工学院去年的录取分数线是多少", ["分数线"], True),
    ("南运河边上那个步道有多长，我想带我妈去散步", ["散步"], False),  # an aside in another clause
    ("吸引了多少游客", [], False),
])
def test_a_figure_of_something_the_documents_never_name(question, absent, measured):
    from rag.evidence.asked_type import asked_types
    from rag.evidence.refusal import measured_absent
    from rag.text.text_match import normalise

    q = normalise(question)
    assert measured_absent(q, asked_types(q), absent) is measured


def test_a_word_of_a_glossary_expression_is_not_missing_from_the_documents(searcher):
    """电瓶车 is never written in the documents, but the glossary hears 电瓶车…充电 as their 充电桩."""
    from rag.evidence.kb_vocabulary import absent_terms

    snap = searcher.snapshot()
    assert "电瓶车" not in absent_terms("小区电瓶车没地儿充电咋办", snap)
    assert "电瓶车" in absent_terms("电瓶车电池多久换一次", snap)  # no expression of the glossary heard


def test_a_number_and_its_classifier_glued_to_the_next_word_is_no_missing_word(searcher):
    from rag.evidence.kb_vocabulary import absent_terms
    from rag.text.text_match import normalise

    # 14|个人|人社区: the cutter glues 个 of 14个 to 人; "资料中没有找到关于个人的内容" had refused the question
    assert "个人" not in absent_terms(normalise("钟楼区那14个人人社区示范点具体是哪些小区"), searcher.snapshot())
