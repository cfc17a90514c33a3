"""An administrator names a hub's IFR leads: the case officers its overdue clocks go to."""


def test_the_hub_leads_are_exactly_the_officers_named(client, auth):
    admin = auth("demo-admin")
    try:
        response = client.put("/api/v1/hubs/london/leads", headers=admin,
                              json={"usernames": ["demo-officer"]})
        assert response.status_code == 200
        assert [lead["username"] for lead in response.json] == ["demo-officer"]
    finally:
        restored = client.put("/api/v1/hubs/london/leads", headers=admin,
                              json={"usernames": ["demo-hub-lead"]})
        assert [lead["username"] for lead in restored.json] == ["demo-hub-lead"]


def test_only_the_hubs_own_case_officers_can_lead_it(client, auth):
    response = client.put("/api/v1/hubs/london/leads", headers=auth("demo-admin"),
                          json={"usernames": ["demo-clinician", "officer-north-west"]})
    assert response.status_code == 422
    assert response.json["errors"] == [{
        "field": "usernames",
        "message": "Not case officers of this hub: demo-clinician, officer-north-west."}]


def test_naming_leads_is_for_administrators(client, auth):
    response = client.put("/api/v1/hubs/london/leads", headers=auth("demo-officer"),
                          json={"usernames": ["demo-officer"]})
    assert response.status_code == 403
