from calc import add, mean, multiply, percent


def test_add_sums_two_numbers():
    assert add(2, 3) == 5


def test_multiply_gives_the_product():
    assert multiply(4, 5) == 20


def test_percent_is_clamped():
    assert percent(5, 10) == 50.0
    assert percent(20, 10) == 100.0


def test_mean_of_three_values():
    assert mean([1, 2, 6]) == 3
