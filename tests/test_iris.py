from lodplan.iris import IriMinter, slugify


def test_slug_is_ascii_lowercase_hyphenated():
    assert slugify("Bons-à-tirer") == "bons-a-tirer"
    assert slugify("Appui à l'organisation de CNR") == "appui-a-l-organisation-de-cnr"


def test_long_labels_sharing_a_beginning_get_different_stable_slugs():
    common = "Suivi de la programmation 2021-2027 au niveau européen et national avec "
    first, second = slugify(common + "l'ANCT"), slugify(common + "la DG REGIO")
    assert first != second
    assert len(first) <= 60
    assert slugify(common + "l'ANCT") == first


def test_iris_hang_from_the_base():
    iris = IriMinter("https://data.example.fr/")
    assert iris.plan("p") == "https://data.example.fr/plan/p"
    assert iris.coded_element("p", "1.1") == "https://data.example.fr/plan/p/element/1.1"
    assert iris.plan_graph("p") == "https://data.example.fr/graph/plan/p"
