from rag.answering.query_rewriter import needs_rewrite, rewrite_offline, turns


def test_what_about_another_place_swaps_the_place():
    assert rewrite_offline("那钟楼区呢？", ["石景山老楼加梯竣工总量是多少部？"]) == "钟楼区老楼加梯竣工总量是多少部？"
    assert rewrite_offline("那鐘樓區呢？", ["石景山區老樓加梯竣工總量是多少部？"]) == "鐘樓區老樓加梯竣工總量是多少部？"


def test_pronoun_takes_the_previous_subject():
    assert rewrite_offline("它是哪年获评的？", ["金谷花园改造融入了什么理念？"]).startswith("金谷花园")


def test_standalone_questions_are_left_alone():
    q = "钟楼区既有住宅加装电梯建成使用了多少台？"
    assert not needs_rewrite(q, ["别的问题"]) and rewrite_offline(q, ["别的问题"]) == q
    assert rewrite_offline("那钟楼区呢？", []) == "那钟楼区呢？"


def test_a_pronoun_with_no_subject_to_take_keeps_the_whole_previous_question():
    # 那是在哪个论坛上评出来的: "那" stands for the previous question's project; dropping it lost the subject
    rewritten = rewrite_offline("那是在哪个论坛上评出来的", ["评上了什么"])
    assert rewritten.startswith("评上了什么") and "论坛" in rewritten


def test_a_short_question_carries_the_conversation_and_names_its_own_place():
    h = ["石景山老旧小区楼本体改造完成了多少个小区"]
    assert needs_rewrite("面积多大", h) and rewrite_offline("面积多大", h) == "石景山老旧小区楼本体改造完成了多少个小区，面积多大"
    # its own place replaces the previous one: 石景山 is not asked any more
    assert rewrite_offline("钟楼区多少", h) == "老旧小区楼本体改造完成了多少个小区，钟楼区多少"


def test_then_before_a_place_is_not_a_pronoun():
    # 那 + a place of its own is "then": the previous subject (体育花苑) is not glued onto 永红街道
    q = rewrite_offline("那永红街道总共建好了几台电梯", ["体育花苑加装电梯入选了什么"])
    assert "体育花苑永红" not in q and q.endswith("永红街道总共建好了几台电梯"), q


def test_a_pronoun_stands_for_a_noun_not_a_word_cut_from_a_verb():
    # 旧改 is a domain word now (one token), and the renewal of 永红街道 is what 那 stands for
    assert rewrite_offline("那是从哪年开始改的", ["永红街道旧改收集了多少征询意见"]) == "永红街道旧改是从哪年开始改的"
    # a word jieba cuts from a verb (老|改 of 老改) is no noun: the subject ends on the noun before it, the bare place;
    # 那 is then "then", and the previous question is kept (永红街道是从哪年开始改的 alone was refused, P 0.09)
    assert rewrite_offline("那是从哪年开始改的", ["永红街道老改收集了多少征询意见"]) == \
        "永红街道老改收集了多少征询意见，那是从哪年开始改的"
    # 那个 is one pronoun, not 那 + 个
    assert "个" not in rewrite_offline("那个什么时候启用", ["青年人才创新创业基地在哪"])[:3]


def test_a_bare_county_short_form_after_a_place_question_names_the_county():
    # 武进 alone is no place name the gazetteer trusts (two-character county short forms are common words),
    # but "武进那边呢" after a question about 钟楼区 asks the same about 武进区
    prev = ["钟楼区老旧小区改造受惠群众有多少？"]
    assert rewrite_offline("武进那边呢", prev) == "武进区老旧小区改造受惠群众有多少？"
    assert rewrite_offline("那天宁呢？", prev) == "天宁区老旧小区改造受惠群众有多少？"
    assert rewrite_offline("那补贴呢", prev) == "钟楼区老旧小区改造受惠群众有多少，补贴呢？"


def test_a_demonstrative_before_a_head_noun_names_the_previous_name_with_that_head():
    # 那园 is "that park": the 首钢园 of the previous question, not its first noun (游客)
    assert rewrite_offline("那园里进了多少家企业", ["首钢园现在一年多少游客？"]) == "首钢园里进了多少家企业"
    assert rewrite_offline("那小区在哪", ["金谷花园小区改了啥？"]) == "金谷花园小区在哪"
    # the previous place stays when the name does not hold it
    assert rewrite_offline("那个机构叫什么", ["石景山有多少家养老服务机构？"]) == "石景山养老服务机构叫什么"


def test_then_before_a_name_it_does_not_stand_for_is_not_a_pronoun():
    # 那798艺术区…: a pronoun 那 is followed by a verb (那有, 那是); before a name it is "then"
    out = rewrite_offline("那798艺术区去年游客多少", ["首钢园2024年来了多少游客？"])
    assert "首钢园798" not in out and out.endswith("798艺术区去年游客多少")
    assert rewrite_offline("那是从哪年开始改的", ["永红街道旧改收集了多少征询意见"]) == "永红街道旧改是从哪年开始改的"


def test_a_pronoun_stands_for_the_noun_a_place_only_qualifies():
    # 它 after 石景山的青年人才创新创业基地…: the base, not 石景山 (the place is carried beside it)
    for prev in ("石景山的青年人才创新创业基地建在哪个楼？", "石景山区青年人才创新创业基地建在哪里？"):
        rewritten = rewrite_offline("它一期有多大面积？", [prev])
        assert "青年人才创新创业基地一期" in rewritten and rewritten.startswith("石景山")
    # a place that is the subject stays the subject
    assert rewrite_offline("它有多长？", ["石景山区有多少人口？"]).startswith("石景山区有多长")
    # in Traditional too: jieba's dictionary is Simplified, the words come back as the asker wrote them
    rewritten = rewrite_offline("它啥時候開始用的？", ["石景山的青年人才創新創業基地設在哪裡？"])
    assert "青年人才創新創業基地啥時候" in rewritten and rewritten.startswith("石景山")


def test_a_follow_up_of_a_follow_up_keeps_the_conversations_place():
    history = ["石景山区安全韧性城市专项规划是哪年编的？", "构建的是几级格局？"]
    assert rewrite_offline("试点社区有几个？", history).startswith("石景山区")
    # but a follow-up naming its own place, after a follow-up, is not moved to the first turn's place
    history = ["石景山未來五年要改多少老舊小區？", "棚戶區要改哪幾個？"]
    assert rewrite_offline("黃莊村呢？", history) == "棚戶區要改哪幾個，黃莊村呢？"


def test_it_stands_for_the_thing_a_place_acts_on_not_the_place():
    # 它 is a thing: after 石景山建了条西山绿道, it is the greenway (the place is carried along)
    out = rewrite_offline("它跟哪个区连起来了？", ["石景山建了条西山绿道，有多长啊？"])
    assert "西山绿道" in out and "条" not in out and "石景山" in out
    # 那 (that, there) still takes the first topic
    assert rewrite_offline("那里有多少人？", ["石景山建了条西山绿道，有多长啊？"]).startswith("石景山")


def test_there_right_after_a_place_the_follow_up_names_is_that_place_not_the_previous_one():
    # 那常州永红街道那边装好了几台 after a question about 石景山: 那边 is where 永红街道 lies; it had been replaced by
    # 石景山 (常州永红街道石景山装好了几台)
    h = ["石景山老楼加装电梯竣工了多少部？"]
    rewritten = rewrite_offline("那常州永红街道那边装好了几台", h)
    assert "石景山" not in rewritten and "永红街道装好了几台" in rewritten
    # a bare 那里 still points at the previous question's place
    assert rewrite_offline("那里装了几台", h) == "石景山装了几台"


def test_these_standing_alone_are_what_the_previous_question_counted():
    h = ["全国2019年以来开工改造了多少个老旧小区"]
    assert rewrite_offline("那这些一共惠及多少人", h) == "老旧小区一共惠及多少人"
    # before a noun, 那些 / 这些 only point at it: 那 is not "then" and is not replaced by the previous place
    rewritten = rewrite_offline("那些电梯是哪年装的", ["石景山加装了多少部电梯"])
    assert "那些电梯是哪年装的" in rewritten


def test_a_phrase_with_its_noun_left_out_carries_the_conversation():
    # 区级的跟没定级的加起来多少处: 区级的 describes a noun the previous turn named (文保)
    h = ["模式口有几处全国重点文保单位", "市级文保有几处"]
    assert needs_rewrite("区级的跟没定级的加起来多少处", h)
    assert "文保" in rewrite_offline("区级的跟没定级的加起来多少处", h)
    assert not needs_rewrite("石景山区老楼加梯竣工总量一共达到了多少部", h)


def test_there_after_a_short_name_the_follow_up_adds_is_not_the_previous_place():
    # 常州永红那边: 永红 is no place the gazetteer knows, but 那边 still lies after the place the follow-up names
    rewritten = rewrite_offline("那常州永红那边建好能用的有几台", ["石景山老楼加装电梯弄了多少部?"])
    assert "石景山" not in rewritten and "常州永红建好能用的有几台" in rewritten


def test_there_with_no_place_named_before_is_what_the_previous_question_was_about():
    # 那里 after 模式口古时候叫什么 had become 模式口古时候里 (那 of 那里 replaced by the previous subject, 里 left)
    assert rewrite_offline("那里现在有几处国家级的重点文物", ["模式口古时候叫什么？"]) == "模式口现在有几处国家级的重点文物"
    # cut 模式|口 (a noun and a classifier), the name keeps its 口
    assert rewrite_offline("那裡有幾處全國重點文保單位?", ["模式口以前叫什麼名字?"]).startswith("模式口有幾處")


def test_then_before_a_pronoun_and_a_subject_that_only_asks():
    # 那他们…: 那 is "then"; 他们 cannot stand for 哪些地方, which asks and names nothing
    rewritten = rewrite_offline("那他們最後探索出幾個機制?", ["社區處一共調研了多少個老舊小區?", "後來在哪些地方做試點?"])
    assert "哪些地方" not in rewritten and "探索出幾個機制" in rewritten
    # 那里面: inside what the previous question was about
    assert rewrite_offline("那里面有多少文物保护单位?", ["模式口街区是哪年开街的?"]).endswith("里面有多少文物保护单位?")


def test_there_after_a_place_and_a_site_it_names_is_the_site():
    # 石景山西山绿道修了多长 → 那边爬山的人: the trail is where people climb, not all of 石景山
    assert "石景山西山绿道爬山" in rewrite_offline("那去那边爬山的人多不多？", ["石景山西山绿道修了多长？"])
    # no site after the place: 那边 is the place
    assert rewrite_offline("那边装了几台", ["石景山老楼加梯竣工多少部"]).startswith("石景山装了几台")


def test_a_site_word_the_cutter_tags_as_a_place_word_stays_in_the_name():
    # 街区 is tagged s (a place word): 模式口历史文化街区 had been carried as 模式口历史文化
    assert rewrite_offline("那裡面全國重點文物有幾處?", ["模式口歷史文化街區是什麼時候開街的?"]) \
        == "模式口歷史文化街區裡面全國重點文物有幾處?"
    # 那边 after 那: both point at what 那 stood for
    assert rewrite_offline("那現在那邊弄出來多少景、多少院了", ["模式口歷史文化街區是哪年開街的"]) \
        == "模式口歷史文化街區現在弄出來多少景、多少院了"


def test_that_with_a_classifier_points_at_its_noun_and_it_anywhere_is_a_pronoun():
    # 那个公园: 那 with its classifier points, it is no "then" (the rewrite had been 首钢园有多大，个公园在哪)
    assert "个公园" not in rewrite_offline("那个公园在哪", ["首钢园有多大"]).replace("那个公园", "")
    assert rewrite_offline("以它为核心的那个公园叫啥名?", ["首钢园改完腾出来的空间有多大?"]) == "以首钢园为核心的那个公园叫啥名?"


def test_these_opening_a_question_and_they_after_other_words_point_back():
    # 这些 opening a longer question had not made it a follow-up: the place of the turn before was lost and
    # 永红片区's 19464户 answered a question about 石景山's 棚改
    assert needs_rewrite("这些棚户区改造一共惠及了多少户", ["石景山“十四五”搞了几大棚改？"])
    assert rewrite_offline("这些棚户区改造一共惠及了多少户", ["石景山“十四五”搞了几大棚改？"]).startswith("石景山")
    assert rewrite_offline("調研完了他們又在哪些地方搞了試點？", ["社區處一開始調研了多少個小區？"]) \
        == "調研完了社區處又在哪些地方搞了試點？"
    assert not needs_rewrite("调研完了社区处又在哪些地方搞了试点", ["社区处一开始调研了多少个小区？"])


def test_then_after_a_question_whose_topic_is_only_a_scope_or_place_keeps_what_was_asked():
    # 那 is "then": the previous question's topic was only 全国, and "全国有多少人受益" had lost the renewal it asked about
    h = ["2019年以来全国开工改造了多少个老旧小区？"]
    assert rewrite_offline("那有多少人受益？", h) == "2019年以来全国开工改造了多少个老旧小区，那有多少人受益？"
    # after a place, a follow-up without a subject of its own asks about what was asked there
    assert "人才发展专项资金" in rewrite_offline("那是哪年开始搞的", ["石景山每年拿出多少钱做人才发展专项资金"])
    # one with its own subject keeps only the place, not the previous question's asking (多少栋)
    assert rewrite_offline("那改完以后物业是咋管的", ["永红街道改了多少栋房子?"]) == "永红街道改完以后物业是咋管的"


def test_inside_it_is_inside_what_was_just_named():
    # 那里面: inside the plan just asked about; replacing 那里 with the place had left a bare 面 (石景山面老小区的项目…)
    assert rewrite_offline("那里面老小区的项目有几个", ["石景山那个安全韧性城市规划是咋回事?"]) == \
        "石景山安全韧性城市规划里面老小区的项目有几个"
    # nothing but a place was named: inside the place, its 里面 kept
    assert rewrite_offline("那里面有多少绿地", ["石景山有几个公园"]) == "石景山里面有多少绿地"


def test_chat_messages_are_turns_of_a_question_and_the_answer_after_it():
    messages = [{"role": "system", "content": "忽略资料"}, {"role": "assistant", "content": "您好"},
                {"role": "user", "content": "石景山装了多少部电梯？"}, {"role": "assistant", "content": "173部。"},
                {"role": "user", "content": "那钟楼区呢？"}]
    assert turns(messages) == [("石景山装了多少部电梯？", "173部。"), ("那钟楼区呢？", "")]
    assert needs_rewrite("那2020年的时候是多少？", messages[:4])
