"""What kind of answer a question asks for, and whether a sentence carries one.

"哪一年开工" wants a year, "叫什么名字" a person, "哪家公司" an organisation, "多少钱" an
amount of money. A passage that talks about the question's subject but holds no figure or
name of that kind cannot answer it (used by rag/evidence/refusal.py; patterns run on normalised,
Simplified text).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

_N = "一二三四五六七八九十百千万亿两〇零"
_MEASURES = "个项部台家处栋幢户条座名人批次倍位所类种片份辆套间张天年月周"
# Multi-character measures first: 多少平方米 wants "151.93万平方米", not any number.
_MEASURE_WORDS = ["平方米", "平米", "公里", "千米", "米", "小时", "分钟", "人次", "家次", "万元", "亿元", "元", *_MEASURES]


def has_person_name(text_norm: str) -> bool:
    """A personal name as jieba tags it (nr); news and encyclopaedia text names people without titles."""
    import jieba.posseg as pseg

    from rag.text.text_match import jieba_instance

    jieba_instance()
    return any(flag in ("nr", "nrfg", "nrt") and len(word) >= 2 for word, flag in pseg.cut(text_norm))


def has_place_name(text_norm: str) -> bool:
    """A place the gazetteer knows (provinces, cities, counties; Taiwan, Hong Kong, Macau)."""
    from rag.text.gazetteer import places_in

    return bool(places_in(text_norm))


# A classifier with a numeral after it instead of a noun makes a slogan (“四个一”鲁谷模式, 两个一百年): it counts
# nothing. (“八条硬措施” counts 措施: a noun follows the classifier.)
_SLOGAN_COUNT = re.compile(rf"[\d{_N}]+\s*个\s*(?=[\d{_N}])")

# An ordinal (北京第一个与首开集团建立战略合作的行政区) ranks, it counts nothing, unless the question asks one (第几批)
_ORDINAL = re.compile(rf"第[\d{_N}]+\s*[{_MEASURES}]?")

_INDEFINITE = re.compile(rf"(?<![\d.{_N}])一\s*[{_MEASURES}]")

# A year or a date (2019年, 2000年底, 3月15日) says when, it counts nothing unless the question names one:
# 首开集团在石景山改了多少个小区 is not answered by 2019年石景山与首开集团…
# a span of years (《生态文明建设规划(2023-2030年)》) dates as a whole, its first year too
_DATE = re.compile(r"(?<![\d.])(1[89]|20)\d\d\s*[-—–~至到]\s*(1[89]|20)\d\d\s*年|"
                   r"(?<![\d.])(1[89]|20)\d\d\s*年(?![度内])|\d{1,2}\s*月\s*\d{1,2}\s*日")

# up to four characters between the question word and the award (什么国家级奖项); not 时 (什么时候表彰 asks a time)
_LEVEL = r"(?:(?!时)[\u4e00-\u9fff]){0,4}?"


@dataclass(frozen=True)
class AskedType:
    name: str  # shown to users: 资料中没有找到相关的<name>
    asks: re.Pattern
    carries: re.Pattern
    # "sentence": the figure must sit next to the subject (a sentence and its neighbours);
    # "passage": names often stand apart, in a byline or a list (记者 韩雅丽, 院长 高军).
    scope: str = "sentence"
    group: str = ""  # of several matching types in one group only the first (most specific) counts
    any_person: bool = False  # a tagged personal name also carries the answer (who-questions naming no role)
    any_place: bool = False  # a gazetteer place name also carries it (出生于上海市: no 位于, no street suffix)
    # a count: does a year or an ordinal carry it? Only when the question names a year (到2025年能到多少: the
    # sentence's 2025年 is where its figure stands) or asks a rank (第几批); otherwise 2019年 and 第一个 count nothing
    dates_count: bool = True
    # 一条, 一个 are mostly the indefinite article (探索出一条更适合老旧小区改造的崭新道路); asked 多少, they answer nothing
    one_counts: bool = True

    def held_by(self, text_norm: str) -> bool:
        if self.name == "数量":
            text_norm = _SLOGAN_COUNT.sub("", text_norm)
            if not self.dates_count:
                text_norm = _ORDINAL.sub("", text_norm)
                text_norm = _DATE.sub("", text_norm)
            if not self.one_counts:
                text_norm = _INDEFINITE.sub("", text_norm)
        return bool(self.carries.search(text_norm)) or (self.any_person and has_person_name(text_norm)) \
            or (self.any_place and has_place_name(text_norm))


# An adverb between what is measured and the question word still asks it: 面积一共多大, 全长大概有多少, 比例到底是多少
_ADV = r"(?:一共|总共|共|总计|合计|加起来|大概|大约|大致|差不多|到底|究竟|都|总)?"
# A question that names the role (处长叫什么名字) wants that role's holder, not any named person.
_ROLES = ("副区长", "书记", "区长", "市长", "县长", "镇长", "主任", "处长", "局长", "部长", "厅长", "司长", "董事长", "经理",
          "院长", "记者", "教授", "负责人", "主持人", "发言人")
# what the money is counted per, between it and the question word (补助资金一年有多少, 补贴每户给多少)
_PER = r"(?:(?:每|一)(?:年|个?月|户|家|人|平方?米|平|栋|部|台)|每个[\u4e00-\u9fff]{1,3}|每)?"


TYPES = [
    AskedType("金额", re.compile(r"多少钱|几块钱|多少(万|亿)?元|(?<!免)费用|价格|票价|收费|出资|投入多少|造价|成本|"
                                r"多少[\u4e00-\u9fff]{0,4}(补贴|补助|补偿|资金|经费|投资|奖励|奖金)|"
                                rf"(补贴|补助|补偿|资金|经费|投资|奖金){_PER}{_ADV}(是|有|给|能拿)?多少|"
                                rf"(?<!浪)费(用)?{_ADV}(是|有|要|得|交|收)?多少|"  # 物业费多少, 停车费交多少
                                r"(?<![弥])补(贴|助|偿)?(了)?多少|赔(偿)?(了)?多少|"  # 一个月补多少, 拆了赔多少
                                # what a fee or a price rises or falls by is money too (物业费会涨多少, 房价一般能涨多少)
                                rf"(费(用)?|房价|租金|价格){_ADV}(一般|会|能|要|得)*(上涨|涨|降低|降|增加|提高|减少|多|少)(了)?多少|"
                                # 几个亿 is said of money only; spending asks money unless a time follows (花了几年)
                                r"(多少|几)个(亿|千万|百万)|"
                                r"(花|投|砸)(了|掉|进去|费)?(多少|几)(个)?(亿|千万|百万|万)?(?!年|天|个?月|周|小时|分钟|时间)"),
              re.compile(rf"[\d{_N}][\d.,{_N}]*\s*(多|余)?\s*(万|亿|千)?元")),
    AskedType("每平方米单价", re.compile(r"每平方米|每平米|每㎡|一平(方米|米|方)?(给|补|赔|要|卖|收)?多少|多少(钱)?一平"),
              re.compile(r"元\s*/\s*(平方米|平米|㎡|m2)|元每平方?米|每平方?米[^。，；]{0,8}\d[\d.]*\s*(万|千)?元")),
    AskedType("比例", re.compile(rf"比例|百分之(几|多少)|占比|百分比|几成|率{_ADV}(是|为|有|各是)多少"),
              re.compile(rf"\d+(\.\d+)?\s*%|百分之|[\d{_N}]+成|[\d{_N}]+分之")),
    AskedType("楼层", re.compile(r"几楼|几层|哪层|多少层"), re.compile(rf"[\d{_N}]+\s*(层|楼)")),
    # not a news dateline (4月13日电): it dates the report, not the fact asked about
    # 怕哪天出事, 说不定哪天: "some day", no question
    AskedType("日期", re.compile(r"(?<!怕)(?<!万一)(?<!说不定)(?<!指不定)(?<!保不齐)(?<!保不准)(哪一天|哪天)|"
                                r"几号|几月几日|具体日期|什么日子"), re.compile(rf"[\d{_N}]+\s*[日号](?!电)")),
    AskedType("时刻", re.compile(r"几点|什么时间段|几时几分"), re.compile(rf"\d{{1,2}}\s*[点时:：]|[{_N}]+点")),
    AskedType("频率", re.compile(r"多久.{0,4}一次|每隔多久|多长时间.{0,3}一次|几年一次|几个月一次|一年几次|每年几次"),
              re.compile(rf"每\s*[\d{_N}]*\s*个?\s*(天|日|周|星期|月|季度|年|半年)|[\d{_N}]+\s*个?\s*(天|周|月|季度|年)\s*一次|"
                         r"定期|按月|按季|按年"), group="time"),
    AskedType("时长", re.compile(r"多长时间|多久|多少天|多少年(?!以前|前|以后|后)|多少个月|(?<![好头前这那近过没])几个月|(?<![好头前这那近过没])几天|(?<![好头前这那近过没几哪])几年(?!前|后|来)|要几天|"
                                r"(?<![好头前这那近过没])几个?(钟头|小时|工作日)|多少个?(钟头|小时|分钟|工作日)|几分钟"),
              # a year (自2021年以来) is a date, not a duration of 2021 years
              re.compile(rf"(?<![\d{_N}])(?!(?:19|20)\d\d\s*年)[\d{_N}半]+\s*(个)?\s*(天|日|周|星期|月|年|小时|分钟|个工作日)|"
                         r"当天|即时|立即|马上"), group="time"),
    AskedType("时间", re.compile(r"什么时候|何时|啥时候|几时|什么时间(?!段)|(多少|哪)年(以前|前|以后|后)|几几年"),
              # a deadline answers when too (啥时候能到: 40分钟内赶赴现场, 2天给出方案)
              re.compile(rf"\d{{4}}\s*年|\d{{1,2}}\s*月|[上下]半年|年底|年初|年内|月底|今年|明年|去年|\d+\s*日|季度|"
                         rf"[{_N}]+月|[\d{_N}]+\s*个?\s*(分钟|小时|天|工作日|星期|周)(以)?内"), group="time"),
    AskedType("年份", re.compile(r"哪一年|哪年|哪几年|何年|哪个年份|什么年份|几几年"), re.compile(rf"\d{{4}}\s*年|[{_N}]{{4}}年")),
    # 模式口古时候叫什么名字 asks a place's (or thing's) name, not a person: a name in quotes, 古称, 又称 …
    AskedType("名称", re.compile(r"(以前|原来|过去|古时候?|古代|旧时|曾经|本来|从前|早先)(的名字|叫|称)|(古|旧|原|曾用)名|"
                                r"(地名|名称)(是|叫)?(什么|啥)"),
              re.compile(r"[“「『\"][^”」』\"]{1,12}[”」』\"]|古称|又称|原名|旧称|曾名|称为|叫做|名为|得名|之称|俗称|旧时称"),
              group="name"),
    # 李先侠是啥职务 asks a title, answered where the person is introduced (区委常委、常务副区长李先侠)
    # 担任 only phrases the asking (李先侠担任什么职务): the documents introduce the person by title, without it
    AskedType("职务", re.compile(r"(担任|任)?(什么|啥|哪个|何)(职务|职位|官职|头衔)|职务是|任(什么|啥|何)职|"  # not 担任什么角色
                                r"是(个|什么|啥)(官|领导)|(什么|啥|多大的?)官(?!方|网)"),
              # titles are an open class in general text; these head morphemes end most of them (业主委员会 is a body)
              re.compile(r"[部局厅处科校院社会队站所馆市县区镇省州乡村行组团师军舰]长|书记|主任|主席|委员(?!会)|常委|议员|"
                         r"研究员|专员|巡视员|经理|总监|顾问|教授|院士|大使|总理|总统|首相|秘书|编辑|记者|主持人|发言人|"
                         r"负责人|董事|理事|总裁|司令|参谋|将军|主教|讲师|法官|检察官|外交官|军官|警官"),
              "passage", group="name"),
    # 处长叫啥名字, 书记叫啥, 主任叫什么: a role (its last character) asked by name asks its holder; the role itself
    # stays a subject word (小区叫啥 asks no person)
    AskedType("人名", re.compile(r"叫什么名字|是谁|哪位|什么人|谁(负责|主持|担任|回答|介绍|发表|讲)|姓什么|"
                                r"(?<=[长记任理人])(的名字)?(叫|姓)(什么|啥)|(?<=[长记任理人])(的名字)?是(什么|啥)名字"),
              re.compile(r"(书记|区长|市长|县长|镇长|主任|处长|局长|部长|厅长|司长|经理|董事长|院长|记者|专家|教授|研究员|"
                         r"负责人|主持人|发言人|委员|通讯员|编辑)[:：\s]*[\u4e00-\u9fff]{2,3}|"
                         r"[\u4e00-\u9fff]{2,3}\s*(书记|区长|副区长|主任|处长|局长|部长|记者|教授|同志|先生|女士)"),
              "passage", group="name", any_person=True),
    AskedType("公司", re.compile(r"(哪家|哪个|什么|哪些)(物业|施工|建设|设计|监理)?(公司|企业)|哪家物业|"
                                r"(哪家|哪个|什么)(施工|建设|设计|监理)单位"), re.compile(r"公司|集团|企业"),
              "passage", "org"),
    # 打哪个电话, 咨询电话是多少: a number to call (报修打电话多久来人 asks a time, not the number)
    # 有啥咨询电话 asks a number; 有啥事打电话报修 only says how the asker gets in touch
    AskedType("电话", re.compile(r"(哪个|什么|啥|哪)(?:(?![打拨事])[\u4e00-\u9fff]){0,2}(电话|号码|热线)|(电话|热线)(号码)?(号)?(是|为)?多少|"
                                r"联系方式|联系电话"),
              re.compile(r"(?<!\d)(0\d{2,3}[-—\s]?\d{7,8}|1[3-9]\d{9}|1\d{4})(?!\d)|热线"), "sentence", "phone"),  # 12345-style hotlines; not the “54321” pledge
    AskedType("工厂", re.compile(r"(哪家|哪个|什么|哪座)(工厂|厂)"), re.compile(r"[\u4e00-\u9fff]{2,}厂"),
              "passage", "org"),
    AskedType("报刊", re.compile(r"(哪家|哪个|什么|哪份)(报纸|报刊|报|媒体|杂志|网站)"),
              re.compile(r"[\u4e00-\u9fff]{2,}(报|网|杂志|电视台|日报|晚报)"), "passage", "org"),
    AskedType("机构", re.compile(r"哪家|哪个(单位|机构|部门)|什么(单位|机构|部门)"),
              # 处 of a ministry (社区处, 规划处), not 之处 / 好处 / 多处
              re.compile(r"[\u4e00-\u9fff]{2,}(公司|集团|企业|银行|协会|学会|中心|研究院|委员会|总局|局|厅|部|委|办公室|"
                         r"报|网|电视台|大学|学院|医院|法院|检察院)|[\u4e00-\u9fff]{2,}(?<![之好多各一两几数到此某何长短难益])处"),
              "passage", "org"),
    # 获得了什么荣誉 wants the award (荣获全国工人先锋号, 获评中国人居环境范例奖), not any sentence about the winner
    # 获得了什么奖 is phrased by the whole 获得, which is no subject word; the verbs that say an award in the
    # documents (获评, 评上, 入选) ask one too (金谷花园评上了个啥)
    AskedType("荣誉", re.compile(rf"(什么|啥|哪些|哪个|何){_LEVEL}(荣誉|奖项|奖(?![励金])|称号|表彰)|"
                                rf"(获得|获评|评上|评为|入选|获|得|拿|评)[了过]?个?(什么|啥|哪些){_LEVEL}(奖|荣誉|称号|$)"),
              re.compile(r"荣获|获评|创成|评上|获得[^，。；]{0,16}(奖|称号)|[\u4e00-\u9fff]{2,}(奖|称号|先锋号)|评为|授予|入选|入围|表彰|(典型|优秀)案例")),
    AskedType("办理流程", re.compile(r"(哪些|什么|啥)[\u4e00-\u9fff]{0,2}(流程|程序|步骤|手续)|怎么(申请|办理)|如何(申请|办理)"),
              # a procedure is also told as a sequence (从调查征询、设计规划到样板展示、工程实施; 先体检再改造) or as a
              # named working method (四轮工作机制, 基本工作法)
              re.compile(r"流程|程序|步骤|手续|申请|提交|审批|备案|办理|环节|工作机制|工作法|首先|然后"
                         r"|从[^，。；,;]{2,20}到|先[^，。；,;]{1,12}[再后]")),
    AskedType("申请材料", re.compile(r"(哪些|什么|啥)[\u4e00-\u9fff]{0,2}(材料|证明|证件)"),
              re.compile(r"材料|证明|复印件|申请表|身份证|证件|户口")),
    AskedType("条件", re.compile(r"(什么|啥|哪些)(样的)?(条件|资格)|条件是什么|要求是什么|怎样才能|才能(评上|申请|享受)|符合什么"),
              re.compile(r"条件|要求|资格|须|应当|满足|具备|符合|年满|不低于|不超过|以上|以下")),
    AskedType("街路", re.compile(r"哪条(街|路|大街|胡同|巷)|什么(街|路)上"),
              # a named street quarter is a street (模式口历史文化街区, …旅游休闲街区, 步行街); a bare 街区 is not
              re.compile(r"[\u4e00-\u9fff]{1,8}((?<![道思线铁公马出网电水])路|大街|街(?!道|区)|巷|胡同)|"
                         r"[\u4e00-\u9fff]{2,8}(历史文化|文化|休闲|特色|商业|步行)街区"), group="place"),
    # 在哪一年 asks for a year, 体现在哪 for an aspect: neither is a place. 长眠于何处 asks "where" as written text
    # does (出自何处 asks a source); a city the gazetteer knows answers it (出生于上海市: no 位于, no street suffix)
    # which provinces or cities: only the gazetteer's names answer (组织山东、浙江两省和上海、苏州等8个城市), not a
    # street or estate, which the 地点 kind's suffixes (…社区, …小区) would take
    # (哪个城市更新模式 asks a model of 城市更新, no city)
    # 在哪些地方搞的试点: where (在) a programme went, answered by the places' names (山东、浙江两省和上海、苏州等8个城市), not
    # by any …区 or …小区 the 地点 kind would take (社区处 is none); without 在, 哪些地方 is as often a venue or a part
    # (弄出了哪些地方, 要改哪些地方), which the gazetteer does not name
    AskedType("省市", re.compile(r"(哪些|哪个|哪几个|哪两个|什么)(省份|省|地级市|"
                                r"城市(?!更新|建设|规划|管理|治理|发展|工作|设计|风貌|品质|功能|形象|化))|在(哪些|哪几个)(地方|地儿)"),
              re.compile(r"(?!)"),
              group="place", any_place=True),
    # 难在哪, 卡在哪: what is hard, not where
    AskedType("地点", re.compile(r"(?<!体现|表现|区别|不同|差别|难点|关键|问题)(?<![难卡])(在哪里|在哪儿|在哪(?![一个些位年天种方几]))|"
                                r"什么地方|哪个位置|位于哪|坐落在哪|去哪|(?<!来自|出自|源自|引自)(何处|何地|何方)|"
                                # 哪个街道弄出来的: which street (district, estate) asks for a place of that level
                                r"哪(个|一个|一)?(街道|社区|小区|片区|村|镇|乡|区|县|市|省|地方)(?!别|域外)|哪(几个|些)(街道|社区|小区|片区|村|镇|乡)|"
                                r"哪(个|一个|几|些)?(栋|幢|座)楼"),
              re.compile(r"位于|坐落|地处|[\u4e00-\u9fff]{2,8}(路|街|大街|巷|胡同|街道|社区|小区|村|镇|区|园|号|大厦|中心)"),
              group="place", any_place=True),
    # 头几天, 这几年, 近几个月 say "a few", they ask nothing
    # 西山绿道有多长 wants 40.2公里; 多长时间 is a duration (时长), 多大年纪 an age
    AskedType("长度", re.compile(rf"多长(?!时间)|多远|多宽|长度|(全长|总长){_ADV}(是|有)?多少|距离{_ADV}(是|有)?多少"),
              re.compile(rf"[\d{_N}][\d.,{_N}]*\s*(多|余)?\s*(万)?\s*(公里|千米|厘米|毫米|米|英里|英尺|海里|km|cm|mm|m\b)"),
              group="size"),
    # 绿地有多大: land (…地) or grounds asked how big (the land word is what is measured, not how it is asked)
    AskedType("面积", re.compile(rf"(总|全)?面积{_ADV}(是|有)?(多大|多少)|多大(的)?(面积|空间|地方|地儿|场地)|占地(面积)?{_ADV}(是|有)?多少|占地{_ADV}多大|"
                                r"(?<=绿地|用地|土地|场地|空地|地块|园区|广场)(是|有)?多大(?!的?(面积|空间|地方|地儿|场地))"),
              re.compile(rf"[\d{_N}][\d.,{_N}]*\s*(多|余)?\s*(万|亿)?\s*(平方米|平米|平方公里|平方千米|公顷|英亩|亩|㎡|km2|km²)|"
                         # 4.1万平文化中心: 万平 is 万平方米 written short
                         r"\d[\d.]*\s*万\s*平(?![方米台均])"),
              group="size"),
    # 来爬山的人多不多 asks how many came (超42万游客); 说几个名字, 举几个例子 ask for a few of them, not how many
    # 几景几院, 几室几厅: nouns said as their own measure words, counted in a pair
    AskedType("数量", re.compile(rf"多少|(?<![哪好头前这那近过没说举列们])几[{_MEASURES}]|有几|多不多|几[\u4e00-\u9fff]、?几[\u4e00-\u9fff]"),
              re.compile(rf"\d|[{_N}]+[{_MEASURES}万亿]")),
]


# Measure words that count the same things: 几台电梯 is answered by 173部, 多少人受益 by 19464户.
# 多少平米 is answered by 24.48平方米: units that are one unit written two ways count the same.
_MEASURE_CLASSES = [{"台", "部"}, {"人", "名", "位", "户", "人次"}, {"户", "家"}, {"栋", "幢", "座", "栋楼"}, {"处", "个", "项"},
                    {"平方米", "平米", "㎡"}, {"公里", "千米"}]
_SAME_MEASURE = {m: set().union(*(c for c in _MEASURE_CLASSES if m in c)) for c in _MEASURE_CLASSES for m in c}


_PEOPLE = {"人", "名", "位", "人次"}  # not 户: households are not people (惠及多少户 ≠ 受惠群众超20万)
_PEOPLE_NOUNS = ("群众", "居民", "人口", "人员", "百姓", "市民", "游客", "住户", "人才", "职工")
_A_FEW = "好头前这那近过没们"  # before 几: 这几年, 头几天, 近几个月, 我们几个 (a few of us), 没几年 (not many)


def _count_measures(question_norm: str) -> list[str]:
    """The measure word of each phrase of the question that asks a count ("" where it names none), in order."""
    from rag.text.text_match import jieba_instance

    words = [w for w in jieba_instance().cut(question_norm, HMM=False) if w.strip()]
    return [m for m, _ in _count_phrases(words)]


def _measure_specific(count: AskedType, question_norm: str) -> AskedType:
    """多少名工作人员 wants "<number>名", 停电几天 wants "<number>天": a bare number is not enough."""
    measure = next((m for m in _count_measures(question_norm) if m), "")
    if not measure or measure == "个":  # 个 is the catch-all classifier: 多少个 is answered by 82家
        return count
    same = _SAME_MEASURE.get(measure, {measure})
    alternatives = "|".join(sorted(same, key=len, reverse=True))
    pattern = rf"[\d{_N}][\d.,{_N}]*\s*(多|余)?\s*(万|亿)?\s*({alternatives})"
    if measure in _PEOPLE:  # 受惠群众超20万, 常住人口约60万, 超42万游客: people are counted without a measure word too
        nouns = "|".join(_PEOPLE_NOUNS)
        pattern += rf"|({nouns})[^，。；,;]{{0,3}}?[\d{_N}][\d.,{_N}]*\s*(多|余)?\s*(万|亿)" \
                   rf"|[\d{_N}][\d.,{_N}]*\s*(多|余)?\s*(万|亿)?\s*({nouns})"
    pattern = re.compile(pattern)
    return AskedType(count.name, count.asks, pattern, count.scope, count.group)


def _count_phrases(words: list[str]):
    """Each phrase of a question that asks a count, as (its measure word or "", the index of the word after it):
    多少|部 → ("部", …), 几台 → ("台", …), 多少|物业 → ("", …). 这几年, 头几天 say "a few" and ask nothing;
    多少人才 cuts as 多少|人才: no measure word, a bare count. 人多不多 counts what stands before it."""
    for i, w in enumerate(words):
        if w.startswith("几") and i and words[i - 1][-1:] in _A_FEW:
            continue
        if w == "几" and i + 1 < len(words) and words[i + 1] not in _MEASURE_WORDS \
                and words[i + 1][:1] in _MEASURES and words[i + 1][:1] != "个":
            yield words[i + 1][:1], i + 1  # 几|套房: jieba keeps 套房 whole; no noun follows 几 without its measure
        elif w in ("多少", "几"):
            measure = words[i + 1] if i + 1 < len(words) and words[i + 1] in _MEASURE_WORDS else ""
            yield measure, i + 1 + bool(measure)
        elif w.startswith("几") and w[1:] in _MEASURE_WORDS:
            yield w[1:], i + 1
        elif w == "多不多" and i:  # 来爬山的人多不多: what is counted stands before (人, 游客), measured as people
            before = words[i - 1]
            yield (before if before in _MEASURE_WORDS else "人" if before in _PEOPLE_NOUNS else ""), i + 1


def generic_count(question_norm: str) -> bool:
    """The count's measure word is the catch-all 个, which does not say what is counted (多少个充电桩): only the noun does
    (多少公园绿地 has none: an area answers it). 几部电梯 is
    answered by 173部 whatever the documents call the lift (加梯); 多少个充电桩 is not answered by 电梯33台."""
    return next(iter(_count_measures(question_norm)), "") == "个"


def counted_noun(question_norm: str) -> str:
    """What a how-many question counts: the nouns right after 几个 / 多少 (几个小区 → 小区, 几个试点社区 → 试点社区,
    几景 → 景); "" when the count names none (惠及多少户: the measure is the thing)."""
    from rag.evidence.question_parse import pos_words

    words = pos_words(question_norm)
    for _measure, j in _count_phrases([w for w, _ in words]):
        phrase = []
        while j < len(words) and (_nounish(*words[j]) or _MODIFIER.match(words[j][1])):
            phrase.append(words[j])
            j += 1
        while phrase and not _nounish(*phrase[-1]):
            phrase.pop()  # 多少个老小区 ends in its noun; a trailing 老 or 新 names nothing
        noun = "".join(w for w, _ in phrase)
        if (head := _relative_head(words, j)) is not None:
            return head  # 多少个老人小孩都能玩的公园: what is counted is the 公园 the clause before 的 describes
        # 几景几院: a noun said as its own measure word (the documents write 15景、30院); not 人 or 钱, whose kinds
        # (people, money) say how they are counted
        if len(noun) >= 2 or (noun and noun not in _SELF_MEASURED_NOT):
            return noun
    return ""


def _relative_head(words: list[tuple[str, str]], j: int, reach: int = 8) -> str | None:
    """The noun a relative clause after the count describes (几个|能充电|的|车位 → 车位): a verb, then 的, then
    nouns, within the clause; "" when that noun only names a kind of thing (几个给老人吃饭的地方: a place of any
    name); None without such a clause (without a verb 的 only joins two nouns: 多少个小区的居民 counts 小区)."""
    from rag.evidence.kb_vocabulary import answer_type_words

    verb = False
    for k in range(j, min(len(words), j + reach)):
        w, flag = words[k]
        if w in "，。？！,?!；;":
            return None
        if flag.startswith("v"):
            verb = True
        elif w == "的" and verb:
            head = []
            for w2, f2 in words[k + 1:]:
                if not (_nounish(w2, f2) or _MODIFIER.match(f2)):
                    break
                head.append((w2, f2))
            while head and not _nounish(*head[-1]):
                head.pop()
            noun = "".join(w2 for w2, _ in head)
            return "" if noun in answer_type_words() else noun if noun else None
    return None


_SELF_MEASURED_NOT = {"人", "钱", "年", "天", "岁", "次"}


_MODIFIER = re.compile(r"^(a|b|t)")  # 老楼, 新建公园, 老年食堂: a modifier before the noun
_PLACE_END = re.compile(r"[区市县省镇村路街]$")


def _nounish(word: str, flag: str) -> bool:
    """A noun of the counted phrase: jieba's nouns (养老机构's 养老 is mis-tagged a person name, so a name counts
    unless it ends like a place), its verbal nouns, and the domain words added to its dictionary (老旧小区, tagged
    x like punctuation)."""
    if flag == "x":
        return all("\u4e00" <= c <= "\u9fff" for c in word)
    if flag == "nr":
        return not _PLACE_END.search(word)
    return flag.startswith(("n", "vn"))


# a number with its measure word, or a number of 万/亿 before the noun itself (超42万游客 counts people without 名)
# (五大棚改, 三大历史地段: 大 enumerates what follows)
_COUNT = re.compile(rf"[\d{_N}][\d.,{_N}]*\s*(多|余)?\s*((万|亿)\s*[{_MEASURES}]?|[{_MEASURES}]|大)")


def counts(noun: str, text_norm: str, window: int = 12, any_part: bool = False) -> bool:
    """Does the text give a count of `noun` — a number with its measure word (or its 万/亿) and the noun's head
    within a few characters after it (8个小区, 14个“人人社区”共同体示范点, 超42万游客) or before it (电梯33台)?
    `any_part`: any two characters of the noun will do (老人助餐点 is counted in 养老助餐服务点82家)."""
    heads = {noun[i:i + 2] for i in range(len(noun) - 1)} if any_part and len(noun) > 2 else {noun[-2:]}
    bare = noun[:-1] if len(noun) == 2 and noun[-1] in "子儿" else noun  # 院子 is written 院
    if len(bare) == 1 and re.search(rf"[\d{_N}]\s*(多|余)?\s*{re.escape(bare)}", text_norm):
        return True  # the noun as its own measure word: 15景、30院、百余铺
    if len(noun) == 2 and re.search(rf"[\d{_N}]\s*(多|余)?\s*{re.escape(noun[0])}(?=[、，,。；;])", text_norm):
        return True  # 多少个景点 counted by its head character in an enumeration (15景、30院)
    for m in _COUNT.finditer(text_norm):
        after = re.split(r"[，。；,;]", text_norm[m.end():m.end() + window], 1)[0]
        before = re.split(r"[，。；,;]", text_norm[max(0, m.start() - window):m.start()])[-1]
        if any(head in after or head in before for head in heads):
            return True
    return False


# 哪个小区, 哪几栋楼, 哪个村: which one of that level, answered only by a name of that level (清潭新村, 古城创业大厦,
# 麻峪村), not by a district or by the common noun (探索推进石景山区危旧楼房改建试点 names no building)
_LEVEL_ASKED = re.compile(r"哪(?:个|一个|一|几个|几|些|两个)?(?:(栋|幢|座)楼|(小区|社区|村|街道))")
_LEVEL_NAMES = {
    "小区": r"[\u4e00-\u9fff]{2,8}(?<!老旧)(?<!旧)(?<!老)(?<!新)(?<!该)(?<!各)(?<!这些)(?<!示范)(?<!宜居)小区|、[\u4e00-\u9fff]{1,2}小区|"
            r"[\u4e00-\u9fff]{2,8}(社区|花园|花苑|新村|山庄|家园|公寓|大院|宿舍|巷)",
    "村": r"[\u4e00-\u9fff]{1,6}(?<!城中)(?<!农)(?<!乡)村(?![民委落])",
    "街道": r"[\u4e00-\u9fff]{2,6}(?<!的)(?<!在)(?<!示范)街道",
    "楼": r"[\u4e00-\u9fff]{2,8}(大厦|大楼)|[\d一二三四五六七八九十]+\s*(号楼|栋|幢)",
}
_LEVEL_NAMES["社区"] = _LEVEL_NAMES["小区"]
LEVEL_KINDS = frozenset(f"{level}名" for level in _LEVEL_NAMES)  # the kinds _level_specific makes: 小区名, 楼名 …


def _level_specific(place: AskedType, question_norm: str) -> AskedType:
    m = _LEVEL_ASKED.search(question_norm)
    if not m:
        return place
    level = "楼" if m.group(1) else m.group(2)  # named to the asker as what is missing: 小区名, 楼名
    return AskedType(f"{level}名", place.asks, re.compile(_LEVEL_NAMES[level]), place.scope, place.group)


def _role_specific(person: AskedType, question_norm: str) -> AskedType:
    for role in _ROLES:
        if role in question_norm:
            pattern = re.compile(rf"{role}[:：\s]*[\u4e00-\u9fff]{{2,3}}|[\u4e00-\u9fff]{{2,3}}\s*{role}")
            return AskedType(person.name, person.asks, pattern, person.scope, person.group)  # that role, not anyone
    return person


_MONEY_NOUN = re.compile(r"(补贴|补助|补偿|资金|经费|投资|奖励|奖金|费用)$")


def asked_types(question_norm: str) -> list[AskedType]:
    """The answer kinds a (normalised) question asks for; a specific kind hides the generic 数量."""
    found, groups = [], set()
    for t in TYPES:
        if t.asks.search(question_norm) and not (t.group and t.group in groups):
            if t.name == "人名":
                t = _role_specific(t, question_norm)
            elif t.name == "地点":
                t = _level_specific(t, question_norm)
            elif t.name == "数量":
                if _MONEY_NOUN.search(counted_noun(question_norm)) and "金额" not in {f.name for f in found}:
                    t = _MONEY  # 多少人才发展专项资金: what is counted is money, however long its name
                else:
                    t = _measure_specific(t, question_norm)
                if not _DATE.search(question_norm) and not re.search(r"\d{4}|第", question_norm):
                    t = replace(t, dates_count=False)
                if "多少" in question_norm and "几" not in question_norm:
                    t = replace(t, one_counts=False)
            found.append(t)
            groups.add(t.group)
    if len(found) > 1:
        found = [t for t in found if t.name != "数量"]
    return found


_MONEY = next(t for t in TYPES if t.name == "金额")


def kind_phrasing(question_norm: str, kinds: list[AskedType]) -> list[str]:
    """The stretches of the question that phrase the asked kind (古时候叫, 多少钱): their words say what kind of
    answer is wanted, not what it is about."""
    out = []
    for k in kinds:
        for m in k.asks.finditer(question_norm):
            phrase = m.group(0)
            if k.name == "数量":  # 多少平米, 几个: the measure word is part of how the count is asked, not its subject
                phrase += next((w for w in _MEASURE_WORDS if question_norm.startswith(w, m.end())), "")
            if phrase:
                out.append(phrase)
    return out

