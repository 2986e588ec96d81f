//! One document's page: where it stands, the preview, findings, and the steps the person may take.

#![allow(clippy::result_large_err)]

use super::present::*;
use super::*;

pub async fn document(State(ws): Ws, v: Visitor, Path((case_id, kind)): Path<(String, String)>) -> Response {
    let flash = ws.sessions.take_flash(&v.token);
    blocking(ws.clone(), move |ws| {
        let kind = match kind_of(ws, &kind) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let (opened, why) = match open_for(ws, &v, &case_id, "read", kind.name()) {
            Ok(o) => o,
            Err(r) => return r,
        };
        let case = &opened.loaded.case;
        let today = ws.today();
        let facts = facts_of(ws, &opened, today);
        let state = state_of(&opened, kind);
        let preview = preview_view(ws, &v.token, &opened, kind);
        // A closed case is read only: no step is offered.
        let closed = closed_on(ws, case);
        let actions = match closed {
            None => actions(ws, &v.user, why, &opened, kind, &state),
            Some(_) => {
                let none = None::<bool>;
                context! { submit => none, review => none, sign => none, meeting => none, final => none, sent => none }
            }
        };
        let papers = papers(&opened, kind);
        let changes = match since_returned(ws, &opened, &state, false) {
            Ok(c) => c,
            Err(r) => return r,
        };
        // Once final, the page shows the final as issued, not a draft.
        let issued = matches!(state.phase, Phase::Final | Phase::Sent)
            .then(|| state.final_version.as_ref().map(|(_, file)| file.clone()))
            .flatten()
            .filter(|f| !f.is_empty());
        page(
            ws,
            "document.html",
            context! {
                user => v.user, csrf => v.csrf, case => case_view(case, today), doc => doc_view(kind, &state, case),
                may_edit => writes(why) && closed.is_none() && written(kind, case),
                may_start => writes(why) && closed.is_none() && crate::rules::documents::startable(kind, case),
                closed => closed.map(words),
                findings => findings(case, &facts, kind), preview, actions, today => today.to_string(),
                papers, issued, changes,
                flash => flash.as_ref().map(|f| f.0.clone()), flash_kind => flash.map(|f| f.1),
            },
        )
    })
    .await
}

#[derive(Serialize)]
pub(super) struct Manager {
    name: String,
    team: String,
}

pub(super) fn actions(
    ws: &Workspace,
    user: &str,
    why: Why,
    opened: &Opened,
    kind: DocumentKind,
    state: &DocState,
) -> minijinja::Value {
    let case = &opened.loaded.case;
    let head = ws.press.config().rules.head_of_service.as_deref();
    let issuer = matches!(why, Why::Allocated | Why::Covering | Why::Managing);
    let reviewed = kind.reviewed();
    let can_submit = writes(why)
        && reviewed
        && matches!(state.phase, Phase::None | Phase::Draft | Phase::Returned)
        && !state.disagreement();
    let submit = can_submit.then(|| {
        let staff = ws.press.staff();
        let managers: Vec<Manager> = staff
            .members()
            .filter(|m| staff.is_manager(&m.name) && !same_name(&m.name, user))
            .map(|m| Manager { name: m.name.clone(), team: m.team.clone().unwrap_or_default() })
            .collect();
        let first = staff
            .line_manager_of(&case.case_manager.name, case.line_manager.as_ref().map(|m| m.name.as_str()))
            .unwrap_or_default();
        let others: Vec<&Manager> = managers
            .iter()
            .filter(|m| rules::from_another_team(&case.team, Some(m.team.as_str()).filter(|t| !t.is_empty())))
            .collect();
        context! { managers => &managers, first, others, double => rules::two_managers_required(kind, case) }
    });
    let review = (reviewed
        && lifecycle::may_review(state, case, ws.press.staff(), user, head).is_ok()
        && !state.reviews.iter().any(|r| same_name(&r.by, user)))
    .then(|| {
        let sections: Vec<_> =
            forms::sections(kind).iter().map(|s| context! { slug => s.slug, title => s.title }).collect();
        context! { sections }
    });
    // A plan or agreement is made final from its current data: the lifecycle
    // renders the draft on the way, so "not rendered yet" does not stand in
    // the way.
    let mut drafted = state.clone();
    if lifecycle::drafts_first(crate::documents::Step::Final, kind) && drafted.phase == Phase::None {
        drafted.phase = Phase::Draft;
    }
    // Offered only when a final would render: nothing it needs is missing.
    let signed = ws.press.signed_case(case, kind, &opened.log);
    let final_ = (issuer
        && crate::rules::documents::missing(kind, &signed, &facts_of(ws, opened, ws.today())).is_empty()
        && lifecycle::may_issue(kind, case, ws.press.staff(), user).is_ok()
        && lifecycle::may_finalise(&drafted, &signed, ws.press.staff(), head).is_ok())
    .then_some(true);
    // A signature is recorded on a version not yet final, by anyone who
    // may write the case (for the young person or a carer, with them).
    let sign = (writes(why)
        && !kind.spec().signers.is_empty()
        && !matches!(state.phase, Phase::None | Phase::Final | Phase::Sent))
    .then(|| {
        let parts: Vec<_> = kind
            .spec()
            .signers
            .iter()
            .map(|s| context! { value => s.name(), label => s.words(), signed => state.signed(*s).map(|r| context! { name => r.name.clone(), date => r.date.clone() }) })
            .collect();
        context! { parts }
    });
    // A PSR's gatekeeping meeting, recorded by a manager who held it with
    // the author, about the version as it is now (a draft is made on the
    // way, so one not rendered yet counts as a draft).
    let mut discussed = state.clone();
    if discussed.phase == Phase::None && written(kind, case) {
        discussed.phase = Phase::Draft;
    }
    let staff = ws.press.staff();
    let author = case.case_manager.name.clone();
    let meeting = lifecycle::may_record_meeting(&discussed, case, staff, user, std::slice::from_ref(&author))
        .is_ok()
        .then(|| {
            let others: Vec<Manager> = staff
                .members()
                .filter(|m| {
                    staff.is_manager(&m.name) && !same_name(&m.name, user) && !same_name(&m.name, &author)
                })
                .map(|m| Manager { name: m.name.clone(), team: m.team.clone().unwrap_or_default() })
                .collect();
            context! { author, others }
        });
    let sent = (issuer
        && lifecycle::may_record_sent(kind, case, staff, user).is_ok()
        && lifecycle::may_send(state).is_ok())
    .then(|| {
        let to = case.court.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        context! { to }
    });
    context! { submit, review, sign, meeting, final => final_, sent }
}
