"""POST /api/evaluation/ahp/ and /api/evaluation/fuzzy/: answers, errors naming the cell,
the schema."""

import pytest

AHP = "/api/evaluation/ahp/"
FUZZY = "/api/evaluation/fuzzy/"


def test_ahp_answers_weights_and_consistency(api, org):
    matrix = [[1, 3, 5], [0.3333, 1, 3], [0.2, 0.3333, 1]]
    response = api("manager1").post(AHP, {"matrix": matrix}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"weights", "lambda_max", "ci", "cr", "consistent", "worst"}
    assert [round(w, 3) for w in body["weights"]] == [0.637, 0.258, 0.105]
    assert round(body["cr"], 3) == 0.033 and body["consistent"] is True and body["worst"] == []


def test_an_inconsistent_matrix_names_what_to_revisit(api, org):
    matrix = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    body = api("manager1").post(AHP, {"matrix": matrix}, format="json").json()
    assert body["consistent"] is False and body["cr"] > 0.1
    assert {"row", "column", "given", "implied"} == set(body["worst"][0])


@pytest.mark.parametrize(
    ("matrix", "field", "words"),
    [
        ([[1, 3], [3, 1]], "matrix[1][0]", "Row 2, column 1"),
        ([[1, 2], [0.5, 1, 3]], "matrix[1][0]", "as many judgements"),
        ([[1, 0], [1, 1]], "matrix[0][1]", "positive"),
        ([[1, "much"], [1, 1]], "matrix[0][1]", "Enter a number"),
        ([], "matrix", "at least one row"),
    ],
)
def test_a_bad_matrix_is_refused_naming_the_cell(api, org, english, matrix, field, words):
    response = api("manager1").post(AHP, {"matrix": matrix}, format="json")
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert list(fields) == [field] and words in fields[field][0]


def test_errors_speak_the_users_language(api, org):
    response = api("manager1").post(AHP, {"matrix": [[1, 3], [3, 1]]}, format="json")
    assert "第 2 行" in response.json()["error"]["fields"]["matrix[1][0]"][0]


def test_fuzzy_answers_the_grade_vector_grade_and_score(api, org):
    payload = {
        "weights": [0.5, 0.3, 0.2],
        "membership": [[0.3, 0.5, 0.2, 0], [0.6, 0.3, 0.1, 0], [0.1, 0.4, 0.3, 0.2]],
        "grade_scores": [95, 85, 70, 50],
    }
    response = api("manager1").post(FUZZY, payload, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["vector"] == pytest.approx([0.35, 0.42, 0.19, 0.04])
    assert body["grade_index"] == 1 and body["score"] == pytest.approx(84.25)
    without = api("manager1").post(FUZZY, {**payload, "grade_scores": None}, format="json")
    assert without.status_code == 200 and without.json()["score"] is None


def test_fuzzy_refuses_weights_that_do_not_add_up(api, org, english):
    payload = {"weights": [0.5, 0.6], "membership": [[1, 0], [1, 0]]}
    response = api("manager1").post(FUZZY, payload, format="json")
    assert response.status_code == 400
    assert "add up to 1" in response.json()["error"]["fields"]["weights"][0]


def test_the_calculators_need_a_signed_in_user(api):
    assert api().post(AHP, {"matrix": [[1]]}, format="json").status_code in (401, 403)


def test_the_calculators_are_in_the_schema(openapi_schema):
    paths = openapi_schema["paths"]
    assert "post" in paths[AHP] and "post" in paths[FUZZY]
