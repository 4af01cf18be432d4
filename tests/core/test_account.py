"""/start, /help, /timezone, /settings, /forget and bad input."""

from __future__ import annotations

from tests.conftest import World


async def test_first_contact_gets_welcome_disclaimer_and_commands(world: World) -> None:
    user = world.chat.user("ann", name="Ann")
    replies = await user.say("hello there")
    assert replies[0].text.startswith("Hi Ann!")
    assert "not a clinician" in replies[0].text and "/hero" in replies[0].text
    assert "I'm HeroCoach" not in (await user.say("hello again"))[0].text


async def test_start_deep_link_starts_hero(world: World) -> None:
    user = world.chat.user("ann")
    replies = await user.say("/start hero")
    assert "not a clinician" in replies[0].text
    assert "Quick check" in replies[-1].text


async def test_start_breaks_deep_link_opens_the_guide(world: World) -> None:
    replies = await world.chat.user("ann").say("/start breaks")
    assert replies[-1].choices[0].label == "Every 30 min (recommended)"


async def test_unknown_command_gets_help(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/start")
    replies = await user.say("/frobnicate now")
    assert "I don't know /frobnicate" in replies[-1].text and "/hero" in replies[-1].text


async def test_timezone_typo_gets_suggestions_and_button_sets_it(world: World) -> None:
    user = world.chat.user("ann")
    await user.say("/start")
    replies = await user.say("/timezone Europe/Berln")
    assert "Europe/Berlin" in [c.label for c in replies[-1].choices]
    done = await user.press("Europe/Berlin")
    assert "Time zone set to Europe/Berlin" in done[-1].text
    settings = await user.say("/settings")
    assert "Time zone: Europe/Berlin" in settings[-1].text
    ok = await user.say("/timezone america/new_york")
    assert "America/New_York" in ok[-1].text


async def test_long_text_is_refused_politely(world: World) -> None:
    user = world.chat.user("ann")
    replies = await user.say("x" * 2001)
    assert "2001 characters" in replies[-1].text
    assert await world.runtime.store.people.find(user.identity) is None


async def test_group_chatter_is_ignored(world: World) -> None:
    user = world.chat.user("ann", chat_id="g")
    user.group = "g"
    assert await user.say("lunch anyone?") == []


async def test_forget_deletes_every_row_about_the_person(world: World) -> None:
    coach = world.chat.user("coach")
    ann, bob = world.chat.user("ann"), world.chat.user("bob")
    for person in (ann, bob):
        await person.say("/timezone Europe/Paris")
        await person.say("/hero")
        for label in ("All clear", 0, 0, 0, 0, 0, "Tail tucked"):
            await person.press(label)
        await person.say("why tuck the tail")
        await person.say("/ask what's a good bike to buy")
    await coach.say("/answer 2 a comfy one")
    ann_id = (await world.runtime.store.people.find(ann.identity)).id
    cancel = await ann.say("/forget")
    assert "can't be undone" in cancel[-1].text
    assert "Nothing was deleted" in (await ann.press("No"))[-1].text
    await ann.say("/forget")
    done = await ann.press("Yes, delete everything")
    assert "deleted everything" in done[-1].text

    tables = await tables_about_people(world)
    assert {"people", "progression", "hero_sessions", "questions", "timers", "schedules",
            "nudges"} <= set(tables)
    for table in tables:
        key = "id" if table == "people" else "person_id"
        left = await world.rows(f"SELECT COUNT(*) FROM {table} WHERE {key} = ?", ann_id)
        assert left[0][0] == 0, f"{table} still has rows about ann"
    assert (await world.rows("SELECT COUNT(*) FROM hero_sessions"))[0][0] == 1  # bob's
    assert (await world.rows("SELECT COUNT(*) FROM questions"))[0][0] == 2
    # The coach's notices about ann's questions went with them; bob's /ask keeps its own.
    notices = await world.rows("SELECT n.question_id, q.person_id FROM question_notices n"
                               " JOIN questions q ON q.id = n.question_id")
    bob_id = (await world.runtime.store.people.find(bob.identity)).id
    assert [person for _, person in notices] == [bob_id]


async def test_a_coach_who_forgets_leaves_no_notice_or_name_behind(world: World) -> None:
    coach, ann = world.chat.user("coach"), world.chat.user("ann")
    await coach.say("/inbox")
    await ann.say("/ask what's a good bike to buy")
    await ann.say("/ask and a good helmet")
    await coach.say("/answer 1 a comfy one")
    assert (await world.rows("SELECT COUNT(*) FROM question_notices"))[0][0] == 2
    await coach.say("/forget")
    assert "deleted everything" in (await coach.press("Yes, delete everything"))[-1].text

    assert (await world.rows("SELECT COUNT(*) FROM question_notices"))[0][0] == 0
    assert (await world.rows("SELECT COUNT(*) FROM questions WHERE answered_by IS NOT NULL"))[0][0] == 0
    # Ann's questions and the answer she was given stay: they are hers.
    assert await world.rows("SELECT id, answer FROM questions ORDER BY id") == [
        (1, "a comfy one"), (2, None)]


async def tables_about_people(world: World) -> list[str]:
    """Every table with a person key, read from the backend's own catalogue."""
    if world.database_url.startswith("sqlite"):
        names = [r[0] for r in await world.rows(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        found = []
        for name in names:
            columns = {r[1] for r in await world.rows(f"PRAGMA table_info({name})")}
            if name == "people" or "person_id" in columns:
                found.append(name)
        return sorted(found)
    rows = await world.rows(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public'"
        " AND (column_name = 'person_id' OR (table_name = 'people' AND column_name = 'id'))")
    return sorted({r[0] for r in rows})


async def test_forget_buttons_refuse_another_person(world: World) -> None:
    ann, bob = world.chat.user("ann"), world.chat.user("bob")
    replies = await ann.say("/forget")
    refused = await bob.press("Yes", replies[-1].choices)
    assert refused[-1].alert
    assert await world.runtime.store.people.find(ann.identity) is not None
