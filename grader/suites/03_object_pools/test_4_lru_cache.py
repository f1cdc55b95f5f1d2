"""Task 4: lru_cache, your own, compared with functools.lru_cache.

See conftest.py for the wrong answers this suite rejects.
"""

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pool_checks import same, shown


class Recorder:
    """The function under the cache: records each real call and returns a fresh result."""

    def __init__(self):
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return (args, tuple(sorted(kwargs.items())), len(self.calls))


def cached(pools, maxsize):
    recorder = Recorder()

    def func(*args, **kwargs):
        return recorder(*args, **kwargs)

    return pools.lru_cache(maxsize=maxsize)(func), recorder


def info_fields(info):
    return {
        name: getattr(info, name, "<missing>") for name in ("hits", "misses", "maxsize", "currsize")
    }


@pytest.mark.task(4)
def test_repeated_call_is_served_from_the_cache(pools):
    f, recorder = cached(pools, 128)
    first, second = f(1, 2), f(1, 2)
    assert len(recorder.calls) == 1, (
        f"A repeated call with the same arguments must come from the cache (task 4, rule 1): the "
        f"function ran {len(recorder.calls)} times for f(1, 2), f(1, 2)."
    )
    assert second is first, "A cache hit must return the stored result object (task 4, rule 1)."


@pytest.mark.task(4)
def test_cache_info_counts_hits_and_misses(pools):
    f, _ = cached(pools, 3)
    for x in [1, 2, 1, 1, 3, 2]:
        f(x)
    info = f.cache_info()
    expected = {"hits": 3, "misses": 3, "maxsize": 3, "currsize": 3}
    assert same(info_fields(info), expected), (
        "cache_info() must report hits, misses, maxsize and currsize (task 4, rule 2): after "
        f"f(1), f(2), f(1), f(1), f(3), f(2) with maxsize=3, expected {expected}, got {info!r}."
    )
    assert same(tuple(info), (3, 3, 3, 3)), (
        f"cache_info() must be a namedtuple in the order (hits, misses, maxsize, currsize) "
        f"(task 4, rule 2), got {info!r}."
    )


@pytest.mark.task(4)
def test_a_hit_refreshes_recency_so_the_least_recently_used_is_evicted(pools):
    f, recorder = cached(pools, 2)
    f("a")
    f("b")
    f("a")  # hit: "a" is now the most recently used, "b" the least
    f("c")  # full: must evict "b", not "a"
    recorder.calls.clear()
    f("a")
    evicted_a = len(recorder.calls) == 1  # the function ran again: "a" was not cached
    recorder.calls.clear()
    f("b")
    evicted_b = len(recorder.calls) == 1
    assert not evicted_a and evicted_b, (
        "The least recently *used* entry is evicted, and a hit counts as a use (task 4, rule 3): "
        "with maxsize=2, after f('a'), f('b'), f('a'), f('c') the cache must hold 'a' and 'c'. "
        + (
            "'a' was evicted: your cache evicts by insertion order (FIFO)."
            if evicted_a
            else "'b' was still cached."
        )
    )


@pytest.mark.task(4)
def test_cache_clear_empties_the_cache_and_resets_the_counts(pools):
    f, recorder = cached(pools, 4)
    f(1)
    f(1)
    f.cache_clear()
    info = f.cache_info()
    assert same(info_fields(info), {"hits": 0, "misses": 0, "maxsize": 4, "currsize": 0}), (
        f"cache_clear() must empty the cache and reset hits and misses to 0 (task 4, rule 4), "
        f"then cache_info() is {info!r}."
    )
    f(1)
    assert len(recorder.calls) == 2, (
        "After cache_clear(), f(1) must run the function again (task 4, rule 4)."
    )


@pytest.mark.task(4)
def test_keyword_arguments_are_part_of_the_key(pools):
    f, recorder = cached(pools, 8)
    results = [f(1, b=2), f(1, b=3), f(1, c=2), f(1, b=2)]
    assert len(recorder.calls) == 3, (
        "Keyword arguments are part of the cache key (task 4, rule 5): f(1, b=2), f(1, b=3) and "
        f"f(1, c=2) are three different calls, and f(1, b=2) again is a hit. The function ran "
        f"{len(recorder.calls)} times, expected 3."
    )
    assert results[3] is results[0], (
        "f(1, b=2) twice must return the cached result (task 4, rule 5)."
    )


@pytest.mark.task(4)
def test_a_keyword_pair_never_collides_with_a_positional_tuple(pools):
    f, recorder = cached(pools, 8)
    f(1, b=2)
    f(1, ("b", 2))
    f(1, "b", 2)
    assert len(recorder.calls) == 3, (
        "f(1, b=2), f(1, ('b', 2)) and f(1, 'b', 2) are different calls and must not share a "
        f"cache entry (task 4, rule 5); the function ran {len(recorder.calls)} times, expected 3. "
        "Mark where the keyword arguments start in the key (e.g. with a unique object())."
    )


@pytest.mark.task(4)
@pytest.mark.parametrize(
    "args, kwargs",
    [(([1, 2],), {}), ((1,), {"b": {"x": 1}})],
    ids=["list-positional", "dict-keyword"],
)
def test_unhashable_arguments_raise_type_error_without_calling_the_function(pools, args, kwargs):
    f, recorder = cached(pools, 8)
    call = f"f({', '.join([*map(repr, args), *(f'{k}={v!r}' for k, v in kwargs.items())])})"
    try:
        f(*args, **kwargs)
    except TypeError as error:
        assert "hashable" in str(error).lower(), (
            f"{call} raised TypeError, but its message must say the arguments are not hashable "
            f"(task 4, rule 6): {error}"
        )
    else:
        raise AssertionError(
            f"{call} must raise TypeError: unhashable arguments cannot be cached (task 4, rule 6). "
            "It returned instead."
        )
    assert recorder.calls == [], (
        f"The function must not run when the arguments are unhashable (task 4, rule 6): it ran for {call}."
    )
    info = info_fields(f.cache_info())
    assert same((info["hits"], info["misses"], info["currsize"]), (0, 0, 0)), (
        f"A call rejected for unhashable arguments counts as neither hit nor miss (task 4, rule 6): {info}."
    )


@pytest.mark.task(4)
def test_maxsize_none_is_unbounded(pools):
    f, recorder = cached(pools, None)
    for x in range(300):
        f(x)
    for x in range(300):
        f(x)
    info = f.cache_info()
    expected = {"hits": 300, "misses": 300, "maxsize": None, "currsize": 300}
    assert same(info_fields(info), expected), (
        f"maxsize=None means no limit (task 4, rule 7): after calling f(0..299) twice, expected "
        f"{expected}, got {info!r}."
    )


@pytest.mark.task(4)
def test_maxsize_zero_caches_nothing(pools):
    f, recorder = cached(pools, 0)
    for _ in range(3):
        f(1)
    info = f.cache_info()
    expected = {"hits": 0, "misses": 3, "maxsize": 0, "currsize": 0}
    assert len(recorder.calls) == 3 and same(info_fields(info), expected), (
        f"maxsize=0 caches nothing: every call runs the function and counts as a miss (task 4, "
        f"rule 7). After f(1) three times: ran {len(recorder.calls)} times, cache_info() {info!r}, "
        f"expected 3 runs and {expected}."
    )


@pytest.mark.task(4)
def test_bare_decorator_uses_the_default_maxsize_of_128(pools):
    def square(x):
        return x * x

    def cube(x):
        return x * x * x

    try:
        square = pools.lru_cache(square)  # what @lru_cache does
        cube = pools.lru_cache()(cube)  # what @lru_cache() does
        results = (square(3), square(3), cube(2))
    except (TypeError, AttributeError) as error:
        raise AssertionError(
            "lru_cache must work without parentheses too (task 4, rule 8): with bare @lru_cache, "
            "lru_cache receives the function itself as its first argument; check callable(maxsize). "
            f"It raised {type(error).__name__}: {error}"
        ) from None
    assert same(results, (9, 9, 8)), (
        f"@lru_cache and @lru_cache() must still compute the function (task 4, rule 8): got "
        f"({', '.join(map(shown, results))})."
    )
    for name, func, hits in (("@lru_cache", square, 1), ("@lru_cache()", cube, 0)):
        info = info_fields(func.cache_info())
        assert same((info["maxsize"], info["hits"]), (128, hits)), (
            f"{name} must cache with maxsize=128 (task 4, rule 8): cache_info() gave {info}."
        )


@pytest.mark.task(4)
def test_wrapper_keeps_the_function_metadata(pools):
    def area(width, height):
        """Multiply two numbers."""
        return width * height

    wrapped = pools.lru_cache(maxsize=2)(area)
    got = (wrapped.__name__, wrapped.__doc__, getattr(wrapped, "__wrapped__", None))
    assert same(got, ("area", "Multiply two numbers.", area)), (
        "The cached function must keep __name__ and __doc__ and expose the original as "
        f"__wrapped__, as functools.wraps does (task 4, rule 8): got {got}."
    )


@pytest.mark.task(4)
def test_exceptions_propagate_and_are_not_cached(pools):
    attempts = []

    @pools.lru_cache(maxsize=4)
    def flaky(x):
        attempts.append(x)
        if len(attempts) == 1:
            raise KeyError("first attempt fails")
        return x

    with pytest.raises(KeyError):
        flaky(5)
        raise AssertionError(
            "An exception from the function must propagate to the caller (task 4, rule 9)."
        )
    got = flaky(5)
    assert same(got, 5) and attempts == [5, 5], (
        f"A call that raised must not be cached: calling again must run the function again "
        f"(task 4, rule 9). Got {shown(got)}, function ran {len(attempts)} times, expected 2."
    )
    info = info_fields(flaky.cache_info())
    assert same((info["misses"], info["currsize"]), (2, 1)), (
        f"The failed call counts as a miss but stores nothing (task 4, rule 9): cache_info() {info}, "
        "expected misses=2, currsize=1."
    )


@pytest.mark.task(4)
def test_a_recursive_function_can_call_its_cached_self(pools):
    @pools.lru_cache(maxsize=None)
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    got = fib(90)
    assert same(got, 2880067194370816120), (
        f"fib(90) must be 2880067194370816120, got {shown(got)} (task 4, rule 9)."
    )
    info = info_fields(fib.cache_info())
    assert same((info["misses"], info["hits"]), (91, 88)), (
        f"Cached fib(90) computes each fib(k) once (task 4, rules 1 and 2): expected misses=91, "
        f"hits=88, got {info}."
    )


@pytest.mark.task(4)
def test_each_decorated_function_has_its_own_cache(pools):
    f, f_calls = cached(pools, 4)
    g, g_calls = cached(pools, 4)
    f(1)
    g(1)
    assert len(g_calls.calls) == 1, (
        "Each decorated function has its own cache (task 4, rule 1): g(1) returned f's cached "
        "result instead of running g."
    )
    assert same(
        (info_fields(f.cache_info())["misses"], info_fields(g.cache_info())["misses"]), (1, 1)
    ), (
        f"Each function has its own counts (task 4, rule 2): f {info_fields(f.cache_info())}, "
        f"g {info_fields(g.cache_info())}."
    )


# A random sequence of calls f(a) or f(a, b=…), and cache_clear(), on a small key space.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("call"), st.integers(0, 5), st.none() | st.integers(0, 2)),
        st.just(("clear", None, None)),
    ),
    max_size=40,
)


@pytest.mark.task(4)
@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(maxsize=st.sampled_from([None, 0, 1, 2, 3, 5]), ops=operations)
def test_matches_functools_on_random_call_sequences(maxsize, ops):
    from grader.loader import load

    pools = load("object_pools")  # not the fixture: hypothesis runs this body many times
    mine, mine_calls = cached(pools, maxsize)
    theirs_recorder = Recorder()
    theirs = functools.lru_cache(maxsize=maxsize)(lambda *a, **k: theirs_recorder(*a, **k))
    done = []
    for op, a, b in ops:
        if op == "clear":
            mine.cache_clear()
            theirs.cache_clear()
            done.append("cache_clear()")
        else:
            args, kwargs = (a,), ({} if b is None else {"b": b})
            done.append(f"f({a})" if b is None else f"f({a}, b={b})")
            got, expected = mine(*args, **kwargs), theirs(*args, **kwargs)
            assert same(got, expected), (
                f"With maxsize={maxsize}, after {', '.join(done)}: the call ran the function when it "
                f"should have hit the cache, or hit when it should have run (task 4, rules 1 and 3; "
                f"functools.lru_cache gives result #{expected[2]}, yours "
                f"{f'#{got[2]}' if type(got) is tuple and len(got) == 3 else shown(got)})."
            )
        got_info, expected_info = info_fields(mine.cache_info()), info_fields(theirs.cache_info())
        assert same(got_info, expected_info), (
            f"With maxsize={maxsize}, after {', '.join(done)}: cache_info() must be {expected_info} "
            f"like functools.lru_cache, got {got_info} (task 4, rules 2-4)."
        )
