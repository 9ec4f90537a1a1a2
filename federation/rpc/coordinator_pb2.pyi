import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_PLATFORM: _ClassVar[Role]
    ROLE_BANK: _ClassVar[Role]
    ROLE_OPERATOR: _ClassVar[Role]
    ROLE_REGULATOR: _ClassVar[Role]
    ROLE_ENTERPRISE: _ClassVar[Role]

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_UNSPECIFIED: _ClassVar[JobState]
    JOB_STATE_PENDING: _ClassVar[JobState]
    JOB_STATE_RUNNING: _ClassVar[JobState]
    JOB_STATE_SUCCEEDED: _ClassVar[JobState]
    JOB_STATE_FAILED: _ClassVar[JobState]
ROLE_UNSPECIFIED: Role
ROLE_PLATFORM: Role
ROLE_BANK: Role
ROLE_OPERATOR: Role
ROLE_REGULATOR: Role
ROLE_ENTERPRISE: Role
JOB_STATE_UNSPECIFIED: JobState
JOB_STATE_PENDING: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_SUCCEEDED: JobState
JOB_STATE_FAILED: JobState

class Party(_message.Message):
    __slots__ = ("name", "role", "certificate_sha256", "registered_at", "last_seen")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_SHA256_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: Role
    certificate_sha256: str
    registered_at: _timestamp_pb2.Timestamp
    last_seen: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ..., certificate_sha256: _Optional[str] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_seen: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegisterRequest(_message.Message):
    __slots__ = ("labels",)
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    LABELS_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.ScalarMap[str, str]
    def __init__(self, labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ListPartiesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPartiesResponse(_message.Message):
    __slots__ = ("parties",)
    PARTIES_FIELD_NUMBER: _ClassVar[int]
    parties: _containers.RepeatedCompositeFieldContainer[Party]
    def __init__(self, parties: _Optional[_Iterable[_Union[Party, _Mapping]]] = ...) -> None: ...

class Participant(_message.Message):
    __slots__ = ("party", "role", "state", "detail", "result_json")
    PARTY_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    party: str
    role: Role
    state: JobState
    detail: str
    result_json: str
    def __init__(self, party: _Optional[str] = ..., role: _Optional[_Union[Role, str]] = ..., state: _Optional[_Union[JobState, str]] = ..., detail: _Optional[str] = ..., result_json: _Optional[str] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("id", "kind", "initiator", "participants", "state", "params_json", "error", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    INITIATOR_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    initiator: str
    participants: _containers.RepeatedCompositeFieldContainer[Participant]
    state: JobState
    params_json: str
    error: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., initiator: _Optional[str] = ..., participants: _Optional[_Iterable[_Union[Participant, _Mapping]]] = ..., state: _Optional[_Union[JobState, str]] = ..., params_json: _Optional[str] = ..., error: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SubmitJobRequest(_message.Message):
    __slots__ = ("kind", "parties", "params_json")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PARTIES_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    kind: str
    parties: _containers.RepeatedScalarFieldContainer[str]
    params_json: str
    def __init__(self, kind: _Optional[str] = ..., parties: _Optional[_Iterable[str]] = ..., params_json: _Optional[str] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs",)
    JOBS_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[Job]
    def __init__(self, jobs: _Optional[_Iterable[_Union[Job, _Mapping]]] = ...) -> None: ...

class WatchJobsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReportStatusRequest(_message.Message):
    __slots__ = ("job_id", "state", "detail", "result_json")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    state: JobState
    detail: str
    result_json: str
    def __init__(self, job_id: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., detail: _Optional[str] = ..., result_json: _Optional[str] = ...) -> None: ...

class ModelPart(_message.Message):
    __slots__ = ("party", "file", "sha256")
    PARTY_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    party: str
    file: str
    sha256: str
    def __init__(self, party: _Optional[str] = ..., file: _Optional[str] = ..., sha256: _Optional[str] = ...) -> None: ...

class Model(_message.Message):
    __slots__ = ("id", "kind", "owner", "version", "params_json", "metrics_json", "protocol_json", "parts", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    METRICS_JSON_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_JSON_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    owner: str
    version: int
    params_json: str
    metrics_json: str
    protocol_json: str
    parts: _containers.RepeatedCompositeFieldContainer[ModelPart]
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., owner: _Optional[str] = ..., version: _Optional[int] = ..., params_json: _Optional[str] = ..., metrics_json: _Optional[str] = ..., protocol_json: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[ModelPart, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ("models",)
    MODELS_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[Model]
    def __init__(self, models: _Optional[_Iterable[_Union[Model, _Mapping]]] = ...) -> None: ...

class Consent(_message.Message):
    __slots__ = ("id", "enterprise", "bank", "purpose", "categories", "valid_until", "granted_by", "granted_at", "revoked_by", "revoked_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    BANK_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    GRANTED_BY_FIELD_NUMBER: _ClassVar[int]
    GRANTED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_BY_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    enterprise: str
    bank: str
    purpose: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    valid_until: str
    granted_by: str
    granted_at: _timestamp_pb2.Timestamp
    revoked_by: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., enterprise: _Optional[str] = ..., bank: _Optional[str] = ..., purpose: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ..., valid_until: _Optional[str] = ..., granted_by: _Optional[str] = ..., granted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_by: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GrantConsentRequest(_message.Message):
    __slots__ = ("enterprise", "bank", "purpose", "categories", "valid_until")
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    BANK_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    enterprise: str
    bank: str
    purpose: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    valid_until: str
    def __init__(self, enterprise: _Optional[str] = ..., bank: _Optional[str] = ..., purpose: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ..., valid_until: _Optional[str] = ...) -> None: ...

class RevokeConsentRequest(_message.Message):
    __slots__ = ("consent_id",)
    CONSENT_ID_FIELD_NUMBER: _ClassVar[int]
    consent_id: str
    def __init__(self, consent_id: _Optional[str] = ...) -> None: ...

class ListConsentsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListConsentsResponse(_message.Message):
    __slots__ = ("consents",)
    CONSENTS_FIELD_NUMBER: _ClassVar[int]
    consents: _containers.RepeatedCompositeFieldContainer[Consent]
    def __init__(self, consents: _Optional[_Iterable[_Union[Consent, _Mapping]]] = ...) -> None: ...

class ListAuthorizedEnterprisesRequest(_message.Message):
    __slots__ = ("job_id", "categories")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, job_id: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ...) -> None: ...

class ListAuthorizedEnterprisesResponse(_message.Message):
    __slots__ = ("enterprises",)
    ENTERPRISES_FIELD_NUMBER: _ClassVar[int]
    enterprises: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, enterprises: _Optional[_Iterable[str]] = ...) -> None: ...

class AuditSummaryRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AuditSummaryResponse(_message.Message):
    __slots__ = ("entries", "head_sha256", "by_action", "by_party", "by_category", "enterprises_by_action")
    class ByActionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class ByPartyEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class ByCategoryEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class EnterprisesByActionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    HEAD_SHA256_FIELD_NUMBER: _ClassVar[int]
    BY_ACTION_FIELD_NUMBER: _ClassVar[int]
    BY_PARTY_FIELD_NUMBER: _ClassVar[int]
    BY_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISES_BY_ACTION_FIELD_NUMBER: _ClassVar[int]
    entries: int
    head_sha256: str
    by_action: _containers.ScalarMap[str, int]
    by_party: _containers.ScalarMap[str, int]
    by_category: _containers.ScalarMap[str, int]
    enterprises_by_action: _containers.ScalarMap[str, int]
    def __init__(self, entries: _Optional[int] = ..., head_sha256: _Optional[str] = ..., by_action: _Optional[_Mapping[str, int]] = ..., by_party: _Optional[_Mapping[str, int]] = ..., by_category: _Optional[_Mapping[str, int]] = ..., enterprises_by_action: _Optional[_Mapping[str, int]] = ...) -> None: ...

class MessageHeader(_message.Message):
    __slots__ = ("job_id", "recipient", "tag", "size", "sha256", "sender")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    recipient: str
    tag: str
    size: int
    sha256: bytes
    sender: str
    def __init__(self, job_id: _Optional[str] = ..., recipient: _Optional[str] = ..., tag: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[bytes] = ..., sender: _Optional[str] = ...) -> None: ...

class MessageChunk(_message.Message):
    __slots__ = ("header", "data")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    header: MessageHeader
    data: bytes
    def __init__(self, header: _Optional[_Union[MessageHeader, _Mapping]] = ..., data: _Optional[bytes] = ...) -> None: ...

class SendResponse(_message.Message):
    __slots__ = ("message_id",)
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    def __init__(self, message_id: _Optional[str] = ...) -> None: ...

class ReceiveRequest(_message.Message):
    __slots__ = ("job_id", "sender", "tag")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    TAG_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    sender: str
    tag: str
    def __init__(self, job_id: _Optional[str] = ..., sender: _Optional[str] = ..., tag: _Optional[str] = ...) -> None: ...

class ScoreApplicantRequest(_message.Message):
    __slots__ = ("model_id", "enterprise", "ciphertext", "reason_ciphertexts")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    CIPHERTEXT_FIELD_NUMBER: _ClassVar[int]
    REASON_CIPHERTEXTS_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    enterprise: str
    ciphertext: bytes
    reason_ciphertexts: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, model_id: _Optional[str] = ..., enterprise: _Optional[str] = ..., ciphertext: _Optional[bytes] = ..., reason_ciphertexts: _Optional[_Iterable[bytes]] = ...) -> None: ...

class ScoreApplicantReply(_message.Message):
    __slots__ = ("masked_value", "reason_masked_values", "objections")
    MASKED_VALUE_FIELD_NUMBER: _ClassVar[int]
    REASON_MASKED_VALUES_FIELD_NUMBER: _ClassVar[int]
    OBJECTIONS_FIELD_NUMBER: _ClassVar[int]
    masked_value: int
    reason_masked_values: _containers.RepeatedScalarFieldContainer[int]
    objections: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, masked_value: _Optional[int] = ..., reason_masked_values: _Optional[_Iterable[int]] = ..., objections: _Optional[_Iterable[str]] = ...) -> None: ...

class ScoringQuestion(_message.Message):
    __slots__ = ("request_id", "model_id", "bank", "ciphertext", "reason_ciphertexts")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    BANK_FIELD_NUMBER: _ClassVar[int]
    CIPHERTEXT_FIELD_NUMBER: _ClassVar[int]
    REASON_CIPHERTEXTS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    model_id: str
    bank: str
    ciphertext: bytes
    reason_ciphertexts: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, request_id: _Optional[str] = ..., model_id: _Optional[str] = ..., bank: _Optional[str] = ..., ciphertext: _Optional[bytes] = ..., reason_ciphertexts: _Optional[_Iterable[bytes]] = ...) -> None: ...

class ScoringAnswer(_message.Message):
    __slots__ = ("request_id", "masked_value", "error", "reason_masked_values")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MASKED_VALUE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    REASON_MASKED_VALUES_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    masked_value: int
    error: str
    reason_masked_values: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, request_id: _Optional[str] = ..., masked_value: _Optional[int] = ..., error: _Optional[str] = ..., reason_masked_values: _Optional[_Iterable[int]] = ...) -> None: ...

class RecordDataUseRequest(_message.Message):
    __slots__ = ("job_id", "batch", "tags", "categories")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    batch: int
    tags: bytes
    categories: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, job_id: _Optional[str] = ..., batch: _Optional[int] = ..., tags: _Optional[bytes] = ..., categories: _Optional[_Iterable[str]] = ...) -> None: ...

class RecordDataUseReply(_message.Message):
    __slots__ = ("audit_seq",)
    AUDIT_SEQ_FIELD_NUMBER: _ClassVar[int]
    audit_seq: int
    def __init__(self, audit_seq: _Optional[int] = ...) -> None: ...

class EnterpriseHistoryRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DataUseRecord(_message.Message):
    __slots__ = ("seq", "at", "actor", "action", "subject", "details_json", "objection_ids")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_JSON_FIELD_NUMBER: _ClassVar[int]
    OBJECTION_IDS_FIELD_NUMBER: _ClassVar[int]
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    details_json: str
    objection_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, seq: _Optional[int] = ..., at: _Optional[str] = ..., actor: _Optional[str] = ..., action: _Optional[str] = ..., subject: _Optional[str] = ..., details_json: _Optional[str] = ..., objection_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class EnterpriseHistoryResponse(_message.Message):
    __slots__ = ("records",)
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[DataUseRecord]
    def __init__(self, records: _Optional[_Iterable[_Union[DataUseRecord, _Mapping]]] = ...) -> None: ...

class Objection(_message.Message):
    __slots__ = ("id", "enterprise", "audit_seq", "reason", "status", "filed_at", "forward_by", "overdue", "note", "updated_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    AUDIT_SEQ_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FILED_AT_FIELD_NUMBER: _ClassVar[int]
    FORWARD_BY_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    enterprise: str
    audit_seq: int
    reason: str
    status: str
    filed_at: _timestamp_pb2.Timestamp
    forward_by: str
    overdue: bool
    note: str
    updated_by: str
    def __init__(self, id: _Optional[str] = ..., enterprise: _Optional[str] = ..., audit_seq: _Optional[int] = ..., reason: _Optional[str] = ..., status: _Optional[str] = ..., filed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., forward_by: _Optional[str] = ..., overdue: _Optional[bool] = ..., note: _Optional[str] = ..., updated_by: _Optional[str] = ...) -> None: ...

class FileObjectionRequest(_message.Message):
    __slots__ = ("audit_seq", "reason")
    AUDIT_SEQ_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    audit_seq: int
    reason: str
    def __init__(self, audit_seq: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class ListObjectionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListObjectionsResponse(_message.Message):
    __slots__ = ("objections",)
    OBJECTIONS_FIELD_NUMBER: _ClassVar[int]
    objections: _containers.RepeatedCompositeFieldContainer[Objection]
    def __init__(self, objections: _Optional[_Iterable[_Union[Objection, _Mapping]]] = ...) -> None: ...

class UpdateObjectionRequest(_message.Message):
    __slots__ = ("objection_id", "status", "note")
    OBJECTION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    objection_id: str
    status: str
    note: str
    def __init__(self, objection_id: _Optional[str] = ..., status: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class AuditUsageRequest(_message.Message):
    __slots__ = ("period",)
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    period: str
    def __init__(self, period: _Optional[str] = ...) -> None: ...

class UsageRow(_message.Message):
    __slots__ = ("period", "bank", "purpose", "category", "enterprises", "uses")
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    BANK_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISES_FIELD_NUMBER: _ClassVar[int]
    USES_FIELD_NUMBER: _ClassVar[int]
    period: str
    bank: str
    purpose: str
    category: str
    enterprises: int
    uses: int
    def __init__(self, period: _Optional[str] = ..., bank: _Optional[str] = ..., purpose: _Optional[str] = ..., category: _Optional[str] = ..., enterprises: _Optional[int] = ..., uses: _Optional[int] = ...) -> None: ...

class AuditUsageResponse(_message.Message):
    __slots__ = ("rows", "head_sha256")
    ROWS_FIELD_NUMBER: _ClassVar[int]
    HEAD_SHA256_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[UsageRow]
    head_sha256: str
    def __init__(self, rows: _Optional[_Iterable[_Union[UsageRow, _Mapping]]] = ..., head_sha256: _Optional[str] = ...) -> None: ...

class PublishModelCardRequest(_message.Message):
    __slots__ = ("model_id", "card_json")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_JSON_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    card_json: str
    def __init__(self, model_id: _Optional[str] = ..., card_json: _Optional[str] = ...) -> None: ...

class GetModelCardRequest(_message.Message):
    __slots__ = ("model_id",)
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    def __init__(self, model_id: _Optional[str] = ...) -> None: ...

class ModelCardReply(_message.Message):
    __slots__ = ("model_id", "card_json")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_JSON_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    card_json: str
    def __init__(self, model_id: _Optional[str] = ..., card_json: _Optional[str] = ...) -> None: ...

class Disclosure(_message.Message):
    __slots__ = ("model_id", "sender", "recipient", "recipient_sha256", "what", "sealed", "created_at")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    WHAT_FIELD_NUMBER: _ClassVar[int]
    SEALED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    sender: str
    recipient: str
    recipient_sha256: str
    what: str
    sealed: bytes
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, model_id: _Optional[str] = ..., sender: _Optional[str] = ..., recipient: _Optional[str] = ..., recipient_sha256: _Optional[str] = ..., what: _Optional[str] = ..., sealed: _Optional[bytes] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListDisclosuresRequest(_message.Message):
    __slots__ = ("model_id",)
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    def __init__(self, model_id: _Optional[str] = ...) -> None: ...

class ListDisclosuresResponse(_message.Message):
    __slots__ = ("disclosures",)
    DISCLOSURES_FIELD_NUMBER: _ClassVar[int]
    disclosures: _containers.RepeatedCompositeFieldContainer[Disclosure]
    def __init__(self, disclosures: _Optional[_Iterable[_Union[Disclosure, _Mapping]]] = ...) -> None: ...

class ApproveModelRequest(_message.Message):
    __slots__ = ("model_id", "decision", "note")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    decision: str
    note: str
    def __init__(self, model_id: _Optional[str] = ..., decision: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class Approval(_message.Message):
    __slots__ = ("model_id", "reviewer", "decision", "note", "at")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    reviewer: str
    decision: str
    note: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, model_id: _Optional[str] = ..., reviewer: _Optional[str] = ..., decision: _Optional[str] = ..., note: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Loan(_message.Message):
    __slots__ = ("loan_id", "enterprise", "granted_on", "matures_on", "closed_on")
    LOAN_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    GRANTED_ON_FIELD_NUMBER: _ClassVar[int]
    MATURES_ON_FIELD_NUMBER: _ClassVar[int]
    CLOSED_ON_FIELD_NUMBER: _ClassVar[int]
    loan_id: str
    enterprise: str
    granted_on: str
    matures_on: str
    closed_on: str
    def __init__(self, loan_id: _Optional[str] = ..., enterprise: _Optional[str] = ..., granted_on: _Optional[str] = ..., matures_on: _Optional[str] = ..., closed_on: _Optional[str] = ...) -> None: ...

class ReportLoansRequest(_message.Message):
    __slots__ = ("loans",)
    LOANS_FIELD_NUMBER: _ClassVar[int]
    loans: _containers.RepeatedCompositeFieldContainer[Loan]
    def __init__(self, loans: _Optional[_Iterable[_Union[Loan, _Mapping]]] = ...) -> None: ...

class ReportLoansResponse(_message.Message):
    __slots__ = ("stored", "active")
    STORED_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    stored: int
    active: int
    def __init__(self, stored: _Optional[int] = ..., active: _Optional[int] = ...) -> None: ...

class ListMonitoredEnterprisesRequest(_message.Message):
    __slots__ = ("bank", "date")
    BANK_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    bank: str
    date: str
    def __init__(self, bank: _Optional[str] = ..., date: _Optional[str] = ...) -> None: ...

class MonitoredEnterprise(_message.Message):
    __slots__ = ("enterprise", "categories")
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    enterprise: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, enterprise: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ...) -> None: ...

class ListMonitoredEnterprisesResponse(_message.Message):
    __slots__ = ("enterprises", "score_categories")
    ENTERPRISES_FIELD_NUMBER: _ClassVar[int]
    SCORE_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    enterprises: _containers.RepeatedCompositeFieldContainer[MonitoredEnterprise]
    score_categories: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, enterprises: _Optional[_Iterable[_Union[MonitoredEnterprise, _Mapping]]] = ..., score_categories: _Optional[_Iterable[str]] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("id", "bank", "enterprise", "date", "source", "rule", "kind", "severity", "reason", "event_type", "categories", "sealed", "created_at", "objections")
    ID_FIELD_NUMBER: _ClassVar[int]
    BANK_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    SEALED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    OBJECTIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    bank: str
    enterprise: str
    date: str
    source: str
    rule: str
    kind: str
    severity: str
    reason: str
    event_type: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    sealed: bytes
    created_at: _timestamp_pb2.Timestamp
    objections: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., bank: _Optional[str] = ..., enterprise: _Optional[str] = ..., date: _Optional[str] = ..., source: _Optional[str] = ..., rule: _Optional[str] = ..., kind: _Optional[str] = ..., severity: _Optional[str] = ..., reason: _Optional[str] = ..., event_type: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ..., sealed: _Optional[bytes] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., objections: _Optional[_Iterable[str]] = ...) -> None: ...

class SubmitAlertsRequest(_message.Message):
    __slots__ = ("alerts",)
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ...) -> None: ...

class SubmitAlertsResponse(_message.Message):
    __slots__ = ("stored", "duplicates", "withheld")
    STORED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    WITHHELD_FIELD_NUMBER: _ClassVar[int]
    stored: int
    duplicates: int
    withheld: int
    def __init__(self, stored: _Optional[int] = ..., duplicates: _Optional[int] = ..., withheld: _Optional[int] = ...) -> None: ...

class SubscribeAlertsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AckAlertsRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class AckAlertsResponse(_message.Message):
    __slots__ = ("acknowledged",)
    ACKNOWLEDGED_FIELD_NUMBER: _ClassVar[int]
    acknowledged: int
    def __init__(self, acknowledged: _Optional[int] = ...) -> None: ...

class MonitoringReport(_message.Message):
    __slots__ = ("date", "bank", "model_id", "report_json", "updated_at")
    DATE_FIELD_NUMBER: _ClassVar[int]
    BANK_FIELD_NUMBER: _ClassVar[int]
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_JSON_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    date: str
    bank: str
    model_id: str
    report_json: str
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, date: _Optional[str] = ..., bank: _Optional[str] = ..., model_id: _Optional[str] = ..., report_json: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListMonitoringReportsRequest(_message.Message):
    __slots__ = ("date",)
    DATE_FIELD_NUMBER: _ClassVar[int]
    date: str
    def __init__(self, date: _Optional[str] = ...) -> None: ...

class ListMonitoringReportsResponse(_message.Message):
    __slots__ = ("reports",)
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    reports: _containers.RepeatedCompositeFieldContainer[MonitoringReport]
    def __init__(self, reports: _Optional[_Iterable[_Union[MonitoringReport, _Mapping]]] = ...) -> None: ...

class CodeRequestEvent(_message.Message):
    __slots__ = ("request_id", "bank", "action", "function", "code_sha256", "categories", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    BANK_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    CODE_SHA256_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    bank: str
    action: str
    function: str
    code_sha256: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., bank: _Optional[str] = ..., action: _Optional[str] = ..., function: _Optional[str] = ..., code_sha256: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ...) -> None: ...

class CodeRequestReply(_message.Message):
    __slots__ = ("audit_seq", "authorized")
    AUDIT_SEQ_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZED_FIELD_NUMBER: _ClassVar[int]
    audit_seq: int
    authorized: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, audit_seq: _Optional[int] = ..., authorized: _Optional[_Iterable[str]] = ...) -> None: ...
