"""Homophone typos on the real seed index: corrected only to a word the documents use, and only when one
character that sounds the same makes it; a real word the documents never use stays as asked."""
import pytest

from rag.evidence.spelling import Fix, apply_fixes, typo_fixes


@pytest.fixture(scope="module")
def snap(searcher):
    return searcher.snapshot()


@pytest.mark.parametrize("question, typed, meant", [
    ("首刚园改造完腾出来多少地方", "首刚园", "首钢园"),
    ("常州钟楼区棚护区改造惠及多少户居民？", "棚护区", "棚户区"),
    # the typo splits jieba's cut (老|久|小区, 加|状|电梯): the 4 字 run is the word corrected
    ("老久小区是不是大多是2000年以前盖的", "老久小区", "老旧小区"),
    ("石景山老楼加状电梯一共装了多少部啊", "加状电梯", "加装电梯"),
    # a two-字 word broken into two lone characters (搬|签)
    ("麻峪村搬签那事儿现在有眉目没？", "搬签", "搬迁"),
    # or into a character and a bound morpheme that is no word on its own (电|悌, 悌 tagged g)
    ("石景山那些老掉牙的电悌给换了没，换了多少台啊", "电悌", "电梯"),
    # or glued by jieba's HMM into a two-字 word no dictionary has, its characters read alike (叶 ye / 业 ye)
    ("石景山物叶干活老糊弄,有没有人治治他们", "物叶", "物业"),
    ("石景山垃圾分累是咋推的", "分累", "分类"),
])
def test_a_pinyin_typo_is_corrected_to_the_documents_word(snap, question, typed, meant):
    assert typo_fixes(question, snap) == [Fix(typed, meant)]


@pytest.mark.parametrize("question", [
    "首钢园门票多少钱",  # 门票: a real word the documents never use — its absence is the refusal's business
    "老人护理补贴一个月多少",
    "石景山加装电梯竣工总量是多少部",  # nothing to correct
    "明天北京下不下雨",
    # short runs of real words one sound away from a KB word (国家|对 → 国家队, 管到 → 管道) stay as asked
    "我妈住六楼腿脚不好下不了楼，国家对加装电梯有啥支持",
    "钟楼区那个生态文明建设规划管到哪年",
    "我家在模式口有个老院子，想改成民宿开张",
    # two lone characters that are no broken word (弄成|小|公园, 开工|前|要) stay as asked
    "钟楼区那边的空地能弄成小公园不",
    "老旧小区改造前要先做什么",
    # a made-up pair one rare reading away (人能: 能 read tai, 人大) or ended by the speaker's verb (先紧着, 用久了)
    "石景山平均每个人能摊到多少公园绿地",
    "改造的钱就那么点，到底先紧着改啥",
    "手机用久了老是卡怎么办",
    # the negation beside a verb's result is no broken word (改完|没几年: not 完美)
    "石景山怎么防止老小区改完没几年又乱成一团",
])
def test_real_words_are_left_as_asked(snap, question):
    assert typo_fixes(question, snap) == []


def test_fixes_apply_in_the_askers_text():
    assert apply_fixes("首刚园在哪", [Fix("首刚园", "首钢园")]) == "首钢园在哪"


def test_a_made_up_pair_is_no_pair_holding_a_grammatical_character():
    # encyclopaedia questions (CMRC): jieba's HMM glues 多大, 队|有, 因何, and on that corpus 多达, 队友 are words
    from rag.evidence.spelling import _made_up_pairs
    from rag.text.text_match import normalise

    assert "物叶" in _made_up_pairs(normalise("石景山物叶干活老糊弄,有没有人治治他们"))
    for question, pair in [("萱侬律占地面积多大？", "多大"), ("中国花样游泳队有多少人参加2008年北京奥运会？", "队有"),
                           ("冷湖行政区因何而得名？", "因何")]:
        assert pair not in _made_up_pairs(normalise(question))
