"""The SVG map and chart helpers."""

from clusterhub.core.svg import colour_steps, project


def test_projection_and_colour_scale():
    x, y = project(10.0, 52.0)
    assert abs(x) < 1e-6 and abs(y) < 1e-6
    paris, berlin = project(2.35, 48.86), project(13.4, 52.52)
    assert paris[0] < berlin[0] and paris[1] > berlin[1]  # west and south of Berlin
    assert colour_steps(0) == []
    steps = colour_steps(100)
    assert steps[-1] == 100 and steps == sorted(set(steps))
