import numpy as np
import pytest

from models.portrait.grades import SCALE, grade_numbers, grade_of


def test_a_probability_on_a_cut_off_falls_into_the_worse_grade():
    assert grade_of(0.005).label == "AA"
    assert grade_of(0.0049).label == "AAA"


def test_the_scale_runs_from_one_to_ten_without_gaps():
    assert [g.number for g in SCALE] == list(range(1, 11))
    assert all(a.upper == b.lower for a, b in zip(SCALE, SCALE[1:]))


def test_grades_never_improve_as_the_probability_rises():
    grades = grade_numbers(np.linspace(0, 1, 1001))
    assert grades[0] == 1 and grades[-1] == 10
    assert (np.diff(grades) >= 0).all()


def test_an_invalid_probability_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        grade_of(float("nan"))
    with pytest.raises(ValueError):
        grade_numbers(np.array([1.2]))
