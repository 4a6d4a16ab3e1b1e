//! The contract types of the domains whose services are not part of this release yet:
//! frameworks and requirements, controls and the Statement of Applicability, evidence,
//! audits with certifications, findings, corrective actions and reminders, webhooks,
//! readiness and the event feed.
//!
//! Every type, field and argument is declared here so that the served schema matches the
//! public contract today; the root fields answer an `UNAVAILABLE` error until the owning
//! service is wired in, at which point its resolvers move to a module of their own.

use aims_shared::types::Date;
use async_graphql::{
    ComplexObject, Enum, ErrorExtensions, ID, InputObject, Json, Object, SimpleObject, Subscription, Upload,
};
use chrono::{DateTime, Utc};
use futures::Stream;
use serde::{Deserialize, Serialize};

use super::PageInfo;
use super::risk::Risk;

/// The error of a root field whose service does not exist yet: `extensions.code` is
/// `UNAVAILABLE`, so clients can tell it apart from a failure.
fn pending(service: &str) -> async_graphql::Error {
    let err = aims_shared::Error::Unavailable(format!("the {service} service is not available in this release yet"));
    ErrorExtensions::extend(&err)
}

/// Registers the contract types that no field refers to (so far only `ReminderChannel`).
/// The schema builder drops unreferenced types, so call this on the builder before
/// `finish()`, or the served SDL lacks them.
pub fn register_unreferenced<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder.register_output_type::<ReminderChannel>()
}

const CONTROLS: &str = "controls";
const EVIDENCE: &str = "evidence";
const AUDIT: &str = "audit";
const WEBHOOK: &str = "webhook";
const READINESS: &str = "readiness";
const EVENT_FEED: &str = "event feed";

// ------------------------------------------------------------------------------- enums

/// Whether a requirement belongs to the main clauses or to the Annex A control list.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequirementKind {
    Clause,
    AnnexA,
}

/// How far the implementation of a control has progressed.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControlStatus {
    NotStarted,
    InProgress,
    Implemented,
    Verified,
}

/// Whether valid evidence exists.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EvidenceState {
    Missing,
    Current,
    Expired,
}

/// Output format of a Statement of Applicability export.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExportFormat {
    Csv,
    Markdown,
    Json,
}

/// The kind of an audit or review.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditKind {
    Internal,
    #[graphql(name = "STAGE1")]
    #[serde(rename = "STAGE1")]
    Stage1,
    #[graphql(name = "STAGE2")]
    #[serde(rename = "STAGE2")]
    Stage2,
    Surveillance,
    Recertification,
    ManagementReview,
}

/// Where an audit stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuditStatus {
    Planned,
    InProgress,
    Completed,
    Cancelled,
}

/// Classification of an audit finding, most severe first.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingKind {
    MajorNonconformity,
    MinorNonconformity,
    Observation,
    OpportunityForImprovement,
}

/// Progress of a corrective action.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionStatus {
    Open,
    InProgress,
    Done,
    Verified,
}

/// Delivery state of a reminder.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReminderStatus {
    Pending,
    Sent,
    Failed,
    Cancelled,
}

/// How a reminder reaches people.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReminderChannel {
    Webhook,
    Email,
}

/// What stands between the organization and certification.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Serialize, Deserialize)]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GapKind {
    ControlNotImplemented,
    ControlWithoutEvidence,
    EvidenceExpired,
    ApplicabilityUnjustified,
    RiskUnassessed,
    RiskUntreated,
    RiskAcceptanceExpired,
    AuditOverdue,
    CorrectiveActionOverdue,
}

// ---------------------------------------------------------------------------- frameworks

/// A management-system standard or regulation whose requirements can be adopted.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Framework {
    /// Short stable code, e.g. `ISO42001`.
    pub code: String,
    pub name: String,
    pub version: String,
    /// All requirements; served through the `requirements(kind)` resolver.
    #[graphql(skip)]
    pub requirements: Vec<Requirement>,
}

#[ComplexObject]
impl Framework {
    /// The requirements of the framework, optionally only those of one kind.
    async fn requirements(&self, kind: Option<RequirementKind>) -> Vec<Requirement> {
        self.requirements
            .iter()
            .filter(|r| kind.is_none_or(|k| r.kind == k))
            .cloned()
            .collect()
    }
}

/// One requirement of a framework.
#[derive(SimpleObject, Clone, Debug)]
pub struct Requirement {
    pub id: ID,
    pub framework_code: String,
    /// The requirement's reference number within its framework.
    pub r#ref: String,
    pub kind: RequirementKind,
    /// The clause or Annex A area the requirement is grouped under.
    pub group: String,
    pub title: String,
    pub description: String,
    pub mappings: Vec<RequirementMapping>,
}

/// The corresponding requirement in another framework.
#[derive(SimpleObject, Clone, Debug)]
pub struct RequirementMapping {
    pub framework_code: String,
    pub r#ref: String,
    pub title: Option<String>,
}

// ------------------------------------------------------------------------------ controls

/// A control of the organization, usually implementing one requirement.
#[derive(SimpleObject, Clone, Debug)]
pub struct Control {
    pub id: ID,
    pub requirement: Option<Requirement>,
    pub name: String,
    pub description: String,
    pub owner: Option<String>,
    /// Whether the control is applicable (the applicability decision).
    pub applicable: bool,
    /// Why the control is, or is not, applicable.
    pub justification: Option<String>,
    pub status: ControlStatus,
    /// Derived from the linked evidence.
    pub evidence_state: EvidenceState,
    pub evidence: Vec<Evidence>,
    /// Risks this control treats.
    pub risks: Vec<Risk>,
    pub review_due_on: Option<Date>,
    pub updated_at: DateTime<Utc>,
}

/// A page of controls.
#[derive(SimpleObject, Clone, Debug)]
pub struct ControlConnection {
    pub edges: Vec<ControlEdge>,
    pub page_info: PageInfo,
    pub total_count: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct ControlEdge {
    pub cursor: String,
    pub node: Control,
}

/// Narrows a control list; unset fields do not filter.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ControlFilter {
    pub status: Option<ControlStatus>,
    pub applicable: Option<bool>,
    pub evidence_state: Option<EvidenceState>,
    /// Group of the control's requirement, e.g. `8` or `A.6`.
    pub group: Option<String>,
    pub owner: Option<String>,
}

#[derive(InputObject, Clone, Debug)]
pub struct CreateControlInput {
    pub name: String,
    pub description: String,
    /// The requirement the control implements; none for an organization-specific control.
    pub requirement_id: Option<ID>,
    pub owner: Option<String>,
}

/// Changes to a control; unset fields stay as they are.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateControlInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub applicable: Option<bool>,
    pub justification: Option<String>,
    pub status: Option<ControlStatus>,
    pub review_due_on: Option<Date>,
}

/// One line of the Statement of Applicability.
#[derive(SimpleObject, Clone, Debug)]
pub struct SoaEntry {
    pub requirement: Requirement,
    pub applicable: bool,
    pub justification: Option<String>,
    pub status: ControlStatus,
    pub evidence_state: EvidenceState,
    /// The controls implementing the requirement.
    pub controls: Vec<Control>,
}

/// The Statement of Applicability of a framework, computed when requested.
#[derive(SimpleObject, Clone, Debug)]
pub struct StatementOfApplicability {
    pub framework_code: String,
    pub generated_at: DateTime<Utc>,
    /// Ordered by requirement reference.
    pub entries: Vec<SoaEntry>,
}

// ------------------------------------------------------------------------------ evidence

/// A file that demonstrates controls are in place; new uploads add versions.
#[derive(SimpleObject, Clone, Debug)]
pub struct Evidence {
    pub id: ID,
    pub title: String,
    pub description: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    /// SHA-256 of the file content, lowercase hex.
    pub sha256: String,
    /// Version number, starting at 1.
    pub version: i32,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
    /// Last day on which the evidence counts as current; none means it does not expire.
    pub valid_until: Option<Date>,
    pub state: EvidenceState,
    pub controls: Vec<Control>,
    /// Gateway path from which the file can be downloaded with the caller's token.
    pub download_path: String,
}

/// A page of evidence.
#[derive(SimpleObject, Clone, Debug)]
pub struct EvidenceConnection {
    pub edges: Vec<EvidenceEdge>,
    pub page_info: PageInfo,
    pub total_count: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct EvidenceEdge {
    pub cursor: String,
    pub node: Evidence,
}

/// Narrows an evidence list; unset fields do not filter.
#[derive(InputObject, Clone, Debug, Default)]
pub struct EvidenceFilter {
    pub control_id: Option<ID>,
    pub state: Option<EvidenceState>,
}

#[derive(InputObject, Clone, Debug)]
pub struct UploadEvidenceInput {
    pub title: String,
    pub description: Option<String>,
    pub valid_until: Option<Date>,
    /// Controls to link the evidence to.
    pub control_ids: Option<Vec<ID>>,
    /// An existing evidence item to upload a new version of.
    pub evidence_id: Option<ID>,
}

// -------------------------------------------------------------------------------- audits

/// An internal or external audit, or a management review.
#[derive(SimpleObject, Clone, Debug)]
pub struct Audit {
    pub id: ID,
    pub kind: AuditKind,
    pub title: String,
    pub scope: Option<String>,
    pub status: AuditStatus,
    pub starts_on: Date,
    pub ends_on: Date,
    pub lead_auditor: Option<String>,
    /// The certification cycle the audit belongs to, if any.
    pub certification: Option<Certification>,
    pub findings: Vec<Finding>,
    pub reminders: Vec<Reminder>,
    pub created_at: DateTime<Utc>,
}

/// A page of audits.
#[derive(SimpleObject, Clone, Debug)]
pub struct AuditConnection {
    pub edges: Vec<AuditEdge>,
    pub page_info: PageInfo,
    pub total_count: i32,
}

#[derive(SimpleObject, Clone, Debug)]
pub struct AuditEdge {
    pub cursor: String,
    pub node: Audit,
}

/// Narrows an audit list; `from` and `to` bound the start date.
#[derive(InputObject, Clone, Debug, Default)]
pub struct AuditFilter {
    pub kind: Option<AuditKind>,
    pub status: Option<AuditStatus>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

#[derive(InputObject, Clone, Debug)]
pub struct ScheduleAuditInput {
    pub kind: AuditKind,
    pub title: String,
    pub scope: Option<String>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub lead_auditor: Option<String>,
    /// How many days ahead of the start to remind; the service picks a default when unset.
    pub remind_days_before: Option<Vec<i32>>,
}

/// A certificate issued by a certification body, with its audit cycle.
#[derive(SimpleObject, Clone, Debug)]
pub struct Certification {
    pub id: ID,
    pub framework_code: String,
    pub certification_body: String,
    pub certificate_number: Option<String>,
    pub issued_on: Date,
    pub expires_on: Date,
    /// The audits planned for the certificate's cycle.
    pub audits: Vec<Audit>,
}

#[derive(InputObject, Clone, Debug)]
pub struct CreateCertificationInput {
    #[graphql(default = "ISO42001")]
    pub framework_code: String,
    pub certification_body: String,
    pub certificate_number: Option<String>,
    pub issued_on: Date,
    /// How many days ahead of each audit to remind.
    pub remind_days_before: Option<Vec<i32>>,
}

/// Something an audit found.
#[derive(SimpleObject, Clone, Debug)]
pub struct Finding {
    pub id: ID,
    pub audit: Audit,
    pub kind: FindingKind,
    /// The requirement concerned, if any.
    pub requirement: Option<Requirement>,
    pub description: String,
    pub corrective_actions: Vec<CorrectiveAction>,
    pub created_at: DateTime<Utc>,
}

#[derive(InputObject, Clone, Debug)]
pub struct RecordFindingInput {
    pub audit_id: ID,
    pub kind: FindingKind,
    pub requirement_id: Option<ID>,
    pub description: String,
}

/// What is done about a finding.
#[derive(SimpleObject, Clone, Debug)]
pub struct CorrectiveAction {
    pub id: ID,
    pub finding: Finding,
    pub description: String,
    pub root_cause: Option<String>,
    pub owner: Option<String>,
    pub due_on: Date,
    pub status: ActionStatus,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(InputObject, Clone, Debug)]
pub struct CreateCorrectiveActionInput {
    pub finding_id: ID,
    pub description: String,
    pub root_cause: Option<String>,
    pub owner: Option<String>,
    pub due_on: Date,
}

/// A notification scheduled ahead of an audit.
#[derive(SimpleObject, Clone, Debug)]
pub struct Reminder {
    pub id: ID,
    pub audit: Audit,
    pub due_at: DateTime<Utc>,
    /// Days between the reminder and the audit's start.
    pub days_before: i32,
    pub status: ReminderStatus,
    pub sent_at: Option<DateTime<Utc>>,
}

// -------------------------------------------------------------------------- integrations

/// A URL that receives signed event deliveries.
#[derive(SimpleObject, Clone, Debug)]
pub struct WebhookEndpoint {
    pub id: ID,
    pub url: String,
    /// Event types delivered to the endpoint; an empty list subscribes to every type.
    pub event_types: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(InputObject, Clone)]
pub struct CreateWebhookInput {
    pub url: String,
    /// Event types to deliver; unset or empty means every type.
    pub event_types: Option<Vec<String>>,
    /// Secret used to sign deliveries. It is stored, never returned.
    pub secret: String,
}

impl std::fmt::Debug for CreateWebhookInput {
    /// Keeps the signing secret out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateWebhookInput")
            .field("url", &self.url)
            .field("event_types", &self.event_types)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Something that happened in the organization's data.
#[derive(SimpleObject, Clone, Debug)]
pub struct Event {
    pub id: ID,
    /// Dotted event type, e.g. `risk.assessed`.
    pub r#type: String,
    pub occurred_at: DateTime<Utc>,
    /// The object the event is about, if any.
    pub subject_id: Option<ID>,
    pub payload: Json<serde_json::Value>,
}

// ----------------------------------------------------------------------------- readiness

/// One shortcoming that blocks certification.
#[derive(SimpleObject, Clone, Debug)]
pub struct Gap {
    pub kind: GapKind,
    pub message: String,
    /// The object with the shortcoming, if any.
    pub subject_id: Option<ID>,
    /// Reference of the requirement concerned, if any.
    pub r#ref: Option<String>,
}

/// Implementation progress within one clause or Annex A area.
#[derive(SimpleObject, Clone, Debug)]
pub struct GroupReadiness {
    pub group: String,
    pub implemented: i32,
    pub applicable: i32,
    /// `implemented / applicable`, between 0 and 1.
    pub ratio: f64,
}

/// Certification readiness, derived from the current data.
#[derive(SimpleObject, Clone, Debug)]
pub struct Readiness {
    pub framework_code: String,
    /// Share of applicable requirements that are implemented with current evidence, 0 to 1.
    pub ratio: f64,
    pub by_group: Vec<GroupReadiness>,
    pub gaps: Vec<Gap>,
}

// ---------------------------------------------------------------------------- root types

/// Query fields of the domains not served yet.
#[derive(Default)]
pub struct PendingQuery;

#[Object]
impl PendingQuery {
    /// The frameworks available for adoption.
    async fn frameworks(&self) -> async_graphql::Result<Vec<Framework>> {
        Err(pending(CONTROLS))
    }

    /// A framework by its code; null if unknown.
    async fn framework(&self, #[graphql(name = "code")] _code: String) -> async_graphql::Result<Option<Framework>> {
        Err(pending(CONTROLS))
    }

    /// The organization's controls.
    async fn controls(
        &self,
        #[graphql(name = "filter")] _filter: Option<ControlFilter>,
        #[graphql(name = "first", default = 20)] _first: Option<i32>,
        #[graphql(name = "after")] _after: Option<String>,
    ) -> async_graphql::Result<ControlConnection> {
        Err(pending(CONTROLS))
    }

    /// A control by id; null if it does not exist.
    async fn control(&self, #[graphql(name = "id")] _id: ID) -> async_graphql::Result<Option<Control>> {
        Err(pending(CONTROLS))
    }

    /// The Statement of Applicability of a framework.
    async fn statement_of_applicability(
        &self,
        #[graphql(name = "frameworkCode", default = "ISO42001")] _framework_code: String,
    ) -> async_graphql::Result<StatementOfApplicability> {
        Err(pending(CONTROLS))
    }

    /// The Statement of Applicability rendered as a document in the given format.
    async fn export_statement_of_applicability(
        &self,
        #[graphql(name = "frameworkCode", default = "ISO42001")] _framework_code: String,
        #[graphql(name = "format")] _format: ExportFormat,
    ) -> async_graphql::Result<String> {
        Err(pending(CONTROLS))
    }

    /// An evidence item by id; null if it does not exist.
    async fn evidence(&self, #[graphql(name = "id")] _id: ID) -> async_graphql::Result<Option<Evidence>> {
        Err(pending(EVIDENCE))
    }

    /// The organization's evidence.
    async fn evidence_list(
        &self,
        #[graphql(name = "filter")] _filter: Option<EvidenceFilter>,
        #[graphql(name = "first", default = 20)] _first: Option<i32>,
        #[graphql(name = "after")] _after: Option<String>,
    ) -> async_graphql::Result<EvidenceConnection> {
        Err(pending(EVIDENCE))
    }

    /// The organization's audits.
    async fn audits(
        &self,
        #[graphql(name = "filter")] _filter: Option<AuditFilter>,
        #[graphql(name = "first", default = 20)] _first: Option<i32>,
        #[graphql(name = "after")] _after: Option<String>,
    ) -> async_graphql::Result<AuditConnection> {
        Err(pending(AUDIT))
    }

    /// An audit by id; null if it does not exist.
    async fn audit(&self, #[graphql(name = "id")] _id: ID) -> async_graphql::Result<Option<Audit>> {
        Err(pending(AUDIT))
    }

    /// The organization's certifications.
    async fn certifications(&self) -> async_graphql::Result<Vec<Certification>> {
        Err(pending(AUDIT))
    }

    /// Corrective actions, optionally only those with the given status.
    async fn corrective_actions(
        &self,
        #[graphql(name = "status")] _status: Option<ActionStatus>,
    ) -> async_graphql::Result<Vec<CorrectiveAction>> {
        Err(pending(AUDIT))
    }

    /// Reminders due within the given number of days.
    async fn upcoming_reminders(
        &self,
        #[graphql(name = "days", default = 90)] _days: Option<i32>,
    ) -> async_graphql::Result<Vec<Reminder>> {
        Err(pending(AUDIT))
    }

    /// The organization's webhook endpoints.
    async fn webhooks(&self) -> async_graphql::Result<Vec<WebhookEndpoint>> {
        Err(pending(WEBHOOK))
    }

    /// Certification readiness for a framework.
    async fn readiness(
        &self,
        #[graphql(name = "frameworkCode", default = "ISO42001")] _framework_code: String,
    ) -> async_graphql::Result<Readiness> {
        Err(pending(READINESS))
    }
}

/// Mutation fields of the domains not served yet.
#[derive(Default)]
pub struct PendingMutation;

#[Object]
impl PendingMutation {
    /// Adopts a framework: one control per requirement; adopting again changes nothing.
    async fn adopt_framework(&self, #[graphql(name = "code")] _code: String) -> async_graphql::Result<Vec<Control>> {
        Err(pending(CONTROLS))
    }

    async fn create_control(
        &self,
        #[graphql(name = "input")] _input: CreateControlInput,
    ) -> async_graphql::Result<Control> {
        Err(pending(CONTROLS))
    }

    async fn update_control(
        &self,
        #[graphql(name = "id")] _id: ID,
        #[graphql(name = "input")] _input: UpdateControlInput,
    ) -> async_graphql::Result<Control> {
        Err(pending(CONTROLS))
    }

    /// Uploads evidence as a GraphQL multipart request; big files go to the REST endpoint.
    async fn upload_evidence(
        &self,
        #[graphql(name = "input")] _input: UploadEvidenceInput,
        #[graphql(name = "file")] _file: Upload,
    ) -> async_graphql::Result<Evidence> {
        Err(pending(EVIDENCE))
    }

    async fn link_evidence(
        &self,
        #[graphql(name = "evidenceId")] _evidence_id: ID,
        #[graphql(name = "controlId")] _control_id: ID,
    ) -> async_graphql::Result<Evidence> {
        Err(pending(EVIDENCE))
    }

    async fn unlink_evidence(
        &self,
        #[graphql(name = "evidenceId")] _evidence_id: ID,
        #[graphql(name = "controlId")] _control_id: ID,
    ) -> async_graphql::Result<Evidence> {
        Err(pending(EVIDENCE))
    }

    /// Records a certificate and plans the audits of its cycle.
    async fn create_certification(
        &self,
        #[graphql(name = "input")] _input: CreateCertificationInput,
    ) -> async_graphql::Result<Certification> {
        Err(pending(AUDIT))
    }

    async fn schedule_audit(
        &self,
        #[graphql(name = "input")] _input: ScheduleAuditInput,
    ) -> async_graphql::Result<Audit> {
        Err(pending(AUDIT))
    }

    async fn update_audit_status(
        &self,
        #[graphql(name = "id")] _id: ID,
        #[graphql(name = "status")] _status: AuditStatus,
    ) -> async_graphql::Result<Audit> {
        Err(pending(AUDIT))
    }

    async fn record_finding(
        &self,
        #[graphql(name = "input")] _input: RecordFindingInput,
    ) -> async_graphql::Result<Finding> {
        Err(pending(AUDIT))
    }

    async fn create_corrective_action(
        &self,
        #[graphql(name = "input")] _input: CreateCorrectiveActionInput,
    ) -> async_graphql::Result<CorrectiveAction> {
        Err(pending(AUDIT))
    }

    async fn update_corrective_action(
        &self,
        #[graphql(name = "id")] _id: ID,
        #[graphql(name = "status")] _status: ActionStatus,
    ) -> async_graphql::Result<CorrectiveAction> {
        Err(pending(AUDIT))
    }

    async fn create_webhook(
        &self,
        #[graphql(name = "input")] _input: CreateWebhookInput,
    ) -> async_graphql::Result<WebhookEndpoint> {
        Err(pending(WEBHOOK))
    }

    /// Removes a webhook endpoint.
    async fn delete_webhook(&self, #[graphql(name = "id")] _id: ID) -> async_graphql::Result<bool> {
        Err(pending(WEBHOOK))
    }
}

/// Subscription fields; the event feed is not served yet. Named `Subscription` in the
/// schema so that it can be the subscription root on its own.
#[derive(Default)]
pub struct PendingSubscription;

#[Subscription(name = "Subscription")]
impl PendingSubscription {
    /// The organization's events as they happen, optionally only types starting with a prefix.
    async fn events(
        &self,
        #[graphql(name = "typePrefix")] _type_prefix: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = Event>> {
        Err::<futures::stream::Empty<Event>, _>(pending(EVENT_FEED))
    }
}
