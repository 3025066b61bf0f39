"""Answer kinds read off a question (pure text rules, no index needed)."""
from rag.evidence.asked_type import asked_types, counted_noun
from rag.text.text_match import normalise


def _kinds(q):
    return {t.name: t for t in asked_types(normalise(q))}


def test_specific_kinds_hide_the_generic_count():
    assert set(_kinds("该小区哪一年开工？")) == {"年份"}
    assert set(_kinds("物业费每平方米多少钱？")) == {"金额", "每平方米单价"}
    assert set(_kinds("居民需要出资多少？")) == {"金额"}
    assert "数量" in _kinds("钟楼区改造了多少栋居民楼？")


def test_count_wants_the_asked_measure_word():
    # 几天 asks how long (a duration, not a sum over places: 景贤小镇's 7天 is not a part of 石景山's figure)
    kind = _kinds("改造时要停水几天？")["时长"]
    assert kind.carries.search("停水时间不超过3天") and not kind.carries.search("涉及3个小区")
    assert "时长" not in _kinds("前几天石景山发布了什么")
    kind = _kinds("社区处有多少名工作人员？")["数量"]
    assert kind.carries.search("共有12名") and not kind.carries.search("调研了93个市县")
    # 多少个 is answered by any classifier (82家); 多少人才专项资金 asks for money, not people
    assert _kinds("有多少个助餐点？")["数量"].carries.search("助餐点82家")
    assert set(_kinds("每年设置多少人才专项资金？")) == {"金额"}
    assert _kinds("每年设置多少人才专项资金？")["金额"].carries.search("每年1000万元")


def test_colloquial_hao_ji_is_not_a_count_question():
    assert "数量" not in _kinds("装电梯是不是要挖好几次路？")


def test_person_question_naming_a_role_wants_that_role():
    kind = _kinds("社区建设处的处长叫什么名字？")["人名"]
    assert kind.carries.search("处长 王某某") and not kind.carries.search("记者 韩雅丽")
    assert _kinds("这篇文章的作者是谁？")["人名"].carries.search("记者 韩雅丽")


def test_a_written_where_and_a_place_the_gazetteer_knows():
    place = _kinds("狄拉克长眠于何处？")["地点"]  # 何处, 何地: "where" as written text asks it
    assert place.held_by(normalise("严长寿，出生于上海市，祖籍浙江杭州"))  # a city, with no 位于 and no street suffix
    assert not place.held_by(normalise("严长寿曾任圆山饭店总经理"))
    assert "地点" not in _kinds("这段话出自何处？")  # a source, not a place


def test_a_ministrys_division_is_an_organisation():
    org = _kinds("指导意见是哪个部门牵头起草的？")["机构"]
    assert org.held_by(normalise("社区处牵头起草《关于全面推进城镇老旧小区改造工作的指导意见》"))
    assert not org.held_by(normalise("这是改造的难点之处"))
    assert not org.held_by(normalise("推动松林公园等12处全龄友好公园建设"))


def test_organisation_kinds():
    assert _kinds("具体是哪家物业公司在管？")["公司"].carries.search("某某物业服务有限公司")
    assert _kinds("报道摘自哪家报纸？")["报刊"].carries.search("摘自《中国建设报》")
    assert "日期" in _kinds("条例从哪一天起施行？")
    assert not _kinds("条例从哪一天起施行？")["日期"].carries.search("新华网北京4月13日电")  # a dateline


def test_time_questions_split_into_point_duration_and_frequency():
    assert set(_kinds("二期什么时候启用？")) == {"时间"}
    assert set(_kinds("从申请到竣工要多长时间？")) == {"时长"}
    assert set(_kinds("物业账目多久公开一次？")) == {"频率"}
    assert "时长" not in _kinds("我爸卧床好几年了，参保的人多不多？")  # 好几年 is not a question
    assert _kinds("账目多久公开一次？")["频率"].carries.search("每季度公示一次")


def test_street_questions_want_a_street_not_a_subdistrict():
    kind = _kinds("景贤小镇坐落在哪条街上？")["街路"]
    assert kind.carries.search("位于模式口大街") and not kind.carries.search("鲁谷街道社区")
    assert set(_kinds("去哪儿报名？")) == {"地点"}
    assert "地点" not in _kinds("莫扎伊斯克在哪一年见于史书？") and "地点" not in _kinds("重要性体现在哪里？")
    assert not _kinds("北辛安安置房建在哪条路上？")["街路"].carries.search("推进道路建设，理清思路")


def test_who_without_a_role_accepts_any_tagged_name():
    kind = _kinds("前赵的建立者是谁？")["人名"]
    assert kind.held_by("前赵由刘渊建立") and not kind.held_by("前赵建立于三零四年")


def test_a_former_or_old_name_is_a_name_not_a_person():
    from rag.evidence.asked_type import asked_types

    assert [t.name for t in asked_types("模式口古时候叫什么名字")] == ["名称"]
    assert [t.name for t in asked_types("这个项目原名是什么")] == ["名称"]
    assert [t.name for t in asked_types("处长叫什么名字")] == ["人名"]


def test_fees_hours_and_per_square_metre_in_residents_words():
    assert "金额" in _kinds("信托制物业一个月物业费多少")  # X费多少 asks an amount of money
    assert "金额" in _kinds("停车费交多少？") and "金额" not in _kinds("浪费多少水？")
    assert "时长" in _kinds("小问题几个钟头能修好") and "时长" in _kinds("报修多少分钟能到？")
    kind = _kinds("石景山棚户区改造一平米给多少")["每平方米单价"]  # 一平米 = per square metre
    assert kind.carries.search("每平方米补助500元") and not kind.carries.search("690万平方米")


def test_one_unit_written_two_ways_counts_the_same():
    # 多少平米 is answered by 24.48平方米; 多少公里 by 3.5千米; another unit is still no answer
    kind = _kinds("首钢园改完腾出来多少平米")["数量"]
    assert kind.carries.search("每人平均公园绿地面积24.48平方米") and kind.carries.search("释放出近100万平米")
    assert not kind.carries.search("建成使用电梯33台")
    assert _kinds("步道有多少公里")["数量"].carries.search("全长3.5千米")


def test_a_title_question_wants_a_title():
    kind = _kinds("李先侠是啥职务")["职务"]
    assert kind.held_by("北京市石景山区委常委、常务副区长李先侠接受新华网采访时表示")
    assert not kind.held_by("李先侠希望通过城市更新来推动区域经济的高质量发展")
    assert "职务" in _kinds("他担任什么职务") and "职务" not in _kinds("这个中心是干什么的")


def test_compensation_in_residents_words_asks_an_amount():
    assert "金额" in _kinds("改造期间有租房补贴吗，一个月补多少") and "金额" in _kinds("拆了赔多少")
    assert "每平方米单价" in _kinds("麻峪村搬迁补偿标准是多少一平")


def test_a_few_days_is_not_a_question():
    assert not _kinds("年轻人刚到石景山找工作，头几天没地儿住咋办")
    assert not _kinds("这几年小区变化挺大，都改了啥")
    assert "数量" in _kinds("装了几台电梯") and "时长" in _kinds("要几个月才能装好")


def test_how_long_and_how_big_want_a_length_and_an_area():
    kind = _kinds("石景山建成的西山绿道有多长？")["长度"]
    assert kind.carries.search("建成40.2公里西山绿道") and not kind.carries.search("每人平均公园绿地面积24.48平方米")
    assert "长度" not in _kinds("加装电梯要多长时间")
    kind = _kinds("首钢园改完腾出来多大的空间")["面积"]
    assert kind.carries.search("释放出近100万平米的载体空间") and not kind.carries.search("建成使用电梯33台")
    assert set(_kinds("总建筑面积是多少")) == {"面积"}  # the specific kind hides the generic count


def test_general_text_writes_lengths_areas_and_titles_its_own_way():
    assert _kinds("锦地罗的全长是多少厘米？")["长度"].carries.search("全长约15厘米")
    assert _kinds("卡塞雷斯的陆地面积是多大？")["面积"].carries.search("面积为1750.33平方千米")
    kind = _kinds("1973年10月，王家瑞担任什么职务？")["职务"]
    assert kind.held_by("任中共河北省委副书记") and not kind.held_by("较2020年增长15倍")
    assert "职务" not in _kinds("他在剧中担任什么角色")


def test_a_few_years_before_the_count_does_not_set_its_measure():
    # 这几年 says "a few years"; the count asked is 多少部, answered by 173部 and not by 106个
    kind = _kinds("石景山这几年老楼加梯一共弄好了多少部啊")["数量"]
    assert kind.carries.search("老楼加梯竣工总量达到173部") and not kind.carries.search("106个老旧小区")


def test_people_are_counted_without_a_measure_word_but_households_are_not_people():
    assert _kinds("钟楼区多少人受益")["数量"].carries.search("受惠群众超20万")
    assert not _kinds("钟楼区棚改惠及多少户")["数量"].carries.search("受惠群众超20万")


def test_the_counted_noun_and_a_sentence_that_counts_it():
    from rag.evidence.asked_type import counts

    assert counted_noun(normalise("钟楼区有几个小区评上了省级宜居示范小区")) == "小区"
    assert counted_noun(normalise("石景山搞安全韧性城市选了几个试点社区")) == "试点社区"
    assert counted_noun(normalise("惠及多少户")) == ""  # the measure is the thing counted
    assert counted_noun(normalise("这几年改了几栋")) == ""
    assert counts("小区", "杨柳巷、文享花园、广景山庄等8个小区创成省级宜居示范小区")
    assert counts("示范点", "打造了14个“人人社区”共同体示范点")  # a quoted name between the count and the noun
    assert counts("电梯", "建成使用电梯33台")  # the noun before the count
    assert counts("游客", "吸引超42万游客登山踏青")  # 万 with the noun itself, no measure word
    assert not counts("小区", "先后改造近1900栋居民楼")


def test_the_counted_noun_may_be_a_domain_word_with_modifiers():
    """老旧小区 is a word added to the cutter's dictionary (tagged x like punctuation), 老 an adjective, 养老 a
    mis-tagged name: the noun phrase after the count is still what is counted."""
    assert counted_noun(normalise("苏州这几年改了多少个老小区")) == "老小区"
    assert counted_noun(normalise("改了多少个老旧小区")) == "老旧小区"
    assert counted_noun(normalise("石景山有多少家养老机构")) == "养老机构"
    assert counted_noun(normalise("有多少个钟楼区的小区")) == ""  # a place is not what is counted


def test_an_award_asked_with_its_level_and_with_the_whole_verb():
    from rag.evidence.asked_type import kind_phrasing

    assert "荣誉" in _kinds("钟楼区永红片区改造项目获得过什么国家级奖项？")  # a level between 什么 and 奖项
    q = normalise("永红片区的旧改项目获得了什么奖？")
    assert kind_phrasing(q, asked_types(q)) == ["获得了什么奖"]  # 获得 phrases the kind, it is no subject word
    assert set(_kinds("什么时候表彰")) == {"时间"}
    assert "荣誉" not in _kinds("有什么奖励政策")  # 奖励 is money, not an award


def test_a_procedure_told_as_a_sequence_is_a_procedure():
    kind = next(k for k in asked_types(normalise("永红老小区改造从头到尾是个啥流程")) if k.name == "办理流程")
    assert kind.held_by(normalise("从调查征询、设计规划到样板展示、工程实施,落实四轮工作机制"))
    assert kind.held_by(normalise("探索“先体检再改造”的工作方法"))
    assert not kind.held_by(normalise("惠及居民19464户"))


def test_people_counted_by_a_noun_after_the_number():
    # 多少人 is answered by 42万游客 as by 14000人; a count of buildings of residents (1900栋居民楼) is not people
    kind = _kinds("吸引了多少人去登山？")["数量"]
    assert kind.held_by(normalise("吸引超42万游客登山踏青")) and kind.held_by(normalise("吸引就业超14000人"))
    assert not kind.held_by(normalise("先后改造近1900栋居民楼"))


def test_an_honour_question_wants_a_named_award():
    kind = _kinds("社区处今年获得了什么荣誉？")["荣誉"]
    assert kind.held_by(normalise("今年,这一支年轻的队伍荣获全国工人先锋号"))
    assert kind.held_by(normalise("永红片区改造项目获评中国人居环境范例奖"))
    assert kind.held_by(normalise("体育花苑电梯加装工作入围常州市2023年度30件民生实事项目优秀典型案例"))
    assert not kind.held_by(normalise("能够有幸承担重任并获得荣誉,我们感到无尚光荣"))


def test_the_verb_of_a_title_question_only_phrases_it():
    from rag.evidence.asked_type import kind_phrasing

    q = normalise("李先侠在石景山区担任什么职务？")
    assert any("担任" in p for p in kind_phrasing(q, asked_types(q)))


def test_a_year_is_no_duration():
    kind = _kinds("报修以后多久能来人")["时长"]
    assert kind.carries.search("40分钟内赶赴现场") and kind.carries.search("免费使用1年")
    assert not kind.carries.search("自2021年以来,共计完成改造房屋568栋")  # a date, not 2021 years


def test_how_many_years_ago_asks_a_year_not_a_duration():
    assert "时间" in _kinds("多少年以前盖的算老旧小区") and "时长" not in _kinds("多少年以前盖的算老旧小区")
    assert "时长" in _kinds("免费能用多少年")


def test_written_short_units_and_spoken_year_questions():
    area = _kinds("文化中心多大地方")["面积"]
    assert area.carries.search("4.1万平文化中心对外开放") and not area.carries.search("3万平台")
    assert "时间" in _kinds("一般都是几几年盖的") and "时长" not in _kinds("一般都是几几年盖的")
    assert "长度" in _kinds("西山绿道总长多少公里")


def test_whether_many_asks_a_count_of_what_stands_before_it():
    # 来爬山的人多不多 wants 超42万游客, not the 40.2公里 of the same sentence
    kind = _kinds("来爬山的人多不多")["数量"]
    assert kind.held_by(normalise("吸引超42万游客登山踏青"))
    assert not kind.held_by(normalise("建成40.2公里西山绿道"))
    assert "数量" in _kinds("补贴多不多")


def test_which_provinces_or_cities_want_the_gazetteers_names():
    kind = _kinds("社區處搞試點的是哪些省跟城市")["省市"]
    assert kind.held_by(normalise("组织山东、浙江两省和上海、苏州等8个城市深化试点"))
    # an estate or a community is no province or city (the 地点 kind's suffixes would take 社区处)
    assert not kind.held_by(normalise("社区处牵头起草《关于全面推进城镇老旧小区改造工作的指导意见》"))
    assert "地点" not in _kinds("社區處搞試點的是哪些省跟城市")
    assert "省市" not in _kinds("石景山哪个城市更新模式入选了中国改革年度案例")  # a model of 城市更新, no city


def test_the_documents_award_verbs_ask_an_award():
    assert "荣誉" in _kinds("金谷花园改完评上了个啥")
    assert "荣誉" in _kinds("这个项目入选了什么")


def test_a_court_is_an_organisation():
    kind = _kinds("加装电梯的那些典型案例是跟哪个单位联合发布的")["机构"]
    assert kind.held_by(normalise("联合最高人民法院发布典型案例"))


def test_a_committee_is_no_title():
    kind = _kinds("李先侠担任什么职务")["职务"]
    assert kind.held_by(normalise("北京市石景山区委常委、常务副区长李先侠"))
    assert not kind.held_by(normalise("进一步提升业主委员会、物管会及物业管理机构的管理和服务水平"))


def test_an_adverb_between_the_measured_noun_and_the_question_word_still_asks_it():
    assert set(_kinds("那面积一共多大")) == {"面积"}
    assert set(_kinds("西山绿道总长大概有多少")) == {"长度"}
    assert set(_kinds("上下水改造率到底是多少")) == {"比例"}
    assert set(_kinds("物业费一共是多少")) == {"金额"}


def test_a_percentage_asked_in_words_is_a_share():
    assert set(_kinds("老旧小区改造居民要出百分之多少的钱")) == {"比例"}



def test_which_years_asks_years_not_a_duration():
    assert set(_kinds("钟楼区生态文明建设规划是管哪几年的")) == {"年份"}
    assert set(_kinds("几年能改完")) == {"时长"}


def test_a_fee_rising_and_spoken_sums_of_money_ask_an_amount():
    assert set(_kinds("装电梯以后物业费会涨多少")) == {"金额"}  # issue 10's own case: no count answers it
    assert set(_kinds("首钢园改造投了几个亿")) == {"金额"} and set(_kinds("棚改一共花了多少")) == {"金额"}
    assert set(_kinds("改造花了几年")) == {"时长"} and "金额" not in _kinds("钟楼区改造了多少个小区")


def test_a_slogan_counts_nothing_a_classifier_before_a_noun_does():
    count = _kinds("鲁谷街道一共改了多少个小区")["数量"]
    assert not count.held_by(normalise("探索形成了更贴合当地发展的“四个一”鲁谷模式"))
    assert count.held_by(normalise("提出垃圾分类“八条硬措施”")) and count.held_by(normalise("共改造小区8个"))


def test_which_street_or_district_asks_a_place_of_that_level():
    # which street: a street's name answers (named to the asker as what is missing: 街道名), not a district
    kind = _kinds("这个改造模式是哪个街道搞出来的")["街道名"]
    assert kind.held_by(normalise("石景山鲁谷街道结合实际发展基础")) and not kind.held_by(normalise("石景山区结合实际"))
    assert set(_kinds("在哪个区")) == {"地点"}
    assert "地点" not in _kinds("这两种模式有什么区别")


def test_what_kind_of_official_asks_a_title_and_a_price_rising_asks_money():
    assert set(_kinds("李先侠在石景山是干啥的，啥官？")) == {"职务"} and "职务" not in _kinds("官方说法是什么")
    assert set(_kinds("老小区改造完了房价一般能涨多少")) == {"金额"}


def test_a_noun_counted_as_its_own_measure_word():
    from rag.evidence.asked_type import counts

    text = normalise("如今已形成15景、30院、百余铺的街区面貌")
    assert counts("景", text) and counts("院子", text)  # 院子 is written 院
    assert not counts("景", normalise("街区自2021年9月开街以来"))


def test_some_day_feared_is_no_date_question():
    assert "日期" not in _kinds("煤气管子都锈了，怕哪天出事，改造管不管这个")
    assert set(_kinds("信托制物业是哪天启动的")) == {"日期"}


def test_which_several_is_no_where_and_name_a_few_is_no_count():
    # 卡在哪几个难处: which difficulties, not where; 说几个名字: name a few, not how many
    assert "地点" not in _kinds("老楼加装电梯主要卡在哪几个难处")
    # which estates: a place kind of that level (小区名, what is missing is said so)
    assert "数量" not in _kinds("那都是哪几个小区,说几个名字呗") and "小区名" in _kinds("那都是哪几个小区,说几个名字呗")
    assert "数量" in _kinds("钟楼区有几个小区评上了省级宜居示范小区")


def test_a_year_counts_nothing_unless_the_question_names_one():
    # 首开集团在石景山一共改了多少个小区 had been answered by 2019年石景山与首开集团…, a sentence with no count
    count = asked_types(normalise("首开集团在石景山一共改了多少个小区"))[0]
    assert count.name == "数量"
    assert not count.held_by(normalise("2019年石景山与首开集团区企双方高位谋划"))
    assert count.held_by(normalise("2019年以来累计改造22万个"))
    # 到2025年能到多少: the sentence's 2025年 is where its figure stands
    assert asked_types(normalise("到2025年能到多少"))[0].held_by(normalise("到2025年,"))


def test_an_ordinal_or_the_indefinite_one_counts_nothing_asked_how_many():
    count = asked_types(normalise("首开集团在石景山一共负责改了多少个小区"))[0]
    assert not count.held_by(normalise("作为北京第一个与首开集团建立战略合作的行政区"))
    assert not count.held_by(normalise("探索出一条更适合老旧小区改造的崭新道路"))
    assert count.held_by(normalise("建成十一个")) and count.held_by(normalise("106个"))
    # asked a rank, or 几 (首钢园有几个滑雪大跳台: 一座), they answer
    assert asked_types(normalise("首钢园进了第几批国家工业遗产名单"))[0].held_by(normalise("入选第二批国家工业遗产名单"))
    assert asked_types(normalise("首钢园有几个滑雪大跳台"))[0].held_by(normalise("建成一座滑雪大跳台"))


def test_what_a_building_costs_asks_money():
    assert [k.name for k in asked_types(normalise("钟楼区加装一台电梯造价大概多少"))] == ["金额"]


def test_not_many_asks_nothing():
    # 没几年 / 没几天 / 没几个 say "not many", like 这几年: no duration or count is asked
    assert asked_types(normalise("石景山怎么防止老小区改完没几年又乱成一团")) == []
    assert asked_types(normalise("改完没几天就坏了咋办")) == []
    assert [k.name for k in asked_types(normalise("改了几年了"))] == ["时长"]
