from kiosk.services.facade import Services


async def test_reference_data_is_synced(services: Services) -> None:
    view = await services.accounts.all_accounts()
    assert view == []
