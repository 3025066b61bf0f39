"""Filter values from the UI: dates are parsed or refused with a Chinese message naming the field, on the real index."""
import pytest

from rag.retrieval.searcher import FilterError, Filters, parse_filter_date


@pytest.mark.parametrize("value,iso", [("2023", "2023"), ("2023-1", "2023-01"), ("2023/01/15", "2023-01-15"),
                                       ("2023年1月", "2023-01"), ("2023年1月5日", "2023-01-05"),
                                       ("２０２３－０１", "2023-01"), ("", ""), ("  ", "")])
def test_dates_in_the_forms_people_type_are_read(value, iso):
    assert parse_filter_date(value, "起始日期") == iso


@pytest.mark.parametrize("field,label", [("date_from", "起始日期"), ("date_to", "截止日期")])
@pytest.mark.parametrize("value", ["去年", "2023-13", "2023-02-30", "23-01", "明天"])
def test_a_date_that_does_not_parse_is_an_error_naming_the_field(searcher, field, label, value):
    # 起始日期 "去年" used to be ignored silently: the search ran unfiltered.
    with pytest.raises(FilterError) as err:
        searcher.search("加装电梯", k=3, filters=Filters(**{field: value}))
    assert str(err.value).startswith(f"{label}“{value}”无法识别") and "2023-01" in str(err.value)


def test_reversed_range_is_an_error():
    with pytest.raises(FilterError) as err:
        Filters(date_from="2024", date_to="2023-06").check()
    assert "起始日期 2024 晚于截止日期 2023-06" == str(err.value)


def test_valid_date_filters_narrow_the_real_index(searcher):
    dates = sorted({d.meta.date for d in searcher.snapshot().documents.values() if d.meta.date})
    assert len(dates) >= 2
    cut = dates[-1][:7]
    later = searcher.search("老旧小区改造", k=10, filters=Filters(date_from=cut.replace("-", "年") + "月")).hits
    assert later and all(not h.doc.meta.date or h.doc.meta.date >= cut for h in later)
    earlier = searcher.search("老旧小区改造", k=10, filters=Filters(date_to=dates[0])).hits
    assert earlier and all(not h.doc.meta.date or h.doc.meta.date <= dates[0] for h in earlier)
