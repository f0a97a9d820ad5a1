def test_index_lists_the_five_processors(client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for name in [
        "Vcareconnect B.V.",
        "BeterDichtbij B.V.",
        "IP Voice Group Services B.V.",
        "Contict",
        "VTM Services B.V.",
    ]:
        assert name in text
