"""Evidence and violations of posture controls found in Terraform: ``.tf`` (HCL) and plans (``terraform show
-json``). Pure: the caller reads the files and passes their text.

Each file becomes ``IacResource`` values (address, type, values, file, line); ``detect`` then checks them:

=========  ==================================================================================================
POS-001    every ``aws_iam_group`` has a policy (inline or attached) with an ``aws:MultiFactorAuthPresent``
           condition
POS-002    ``aws_kms_key`` (symmetric) has ``enable_key_rotation = true``; ``google_kms_crypto_key`` has a
           ``rotation_period``
POS-003    no policy allowing ``"Action": "*"`` on ``"Resource": "*"`` given to people: user and group policies,
           SSO permission sets, managed policies unless attached only to roles; no ``AdministratorAccess``
           attached to a user, group or permission set; no ``roles/owner`` granted to a ``user:`` or ``group:``
=           member. Role policies (machine identities) are not people's.
POS-004    ``aws_ecr_repository`` scans on push (or an ``aws_ecr_registry_scanning_configuration`` exists)
POS-005    a code base with AWS resources has an ``aws_cloudtrail`` (an *absence*: fresh manual evidence, e.g. an
           organisation trail kept elsewhere, overrides it); every ``aws_s3_bucket`` that is not itself a log
           target has access logging (a ``logging`` block or an ``aws_s3_bucket_logging``)
POS-009    no public bucket ACL (``public-read``, ``public-read-write``, ``authenticated-read``), no public access
           block leaving ``block_public_acls`` off or ``block_public_policy = false``, no ``allUsers`` /
           ``allAuthenticatedUsers`` member on a Cloud Storage bucket, no Azure container with ``blob`` or
           ``container`` access, no storage account allowing public blobs
=========  ==================================================================================================

A value Terraform knows only after ``apply`` (a plan's ``after_unknown``, or a policy built from a variable)
makes the resource *undecidable*, never a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from balise.compliance.controls import ScanResult, Violation
from balise.i18n import Text
from balise.i18n import posture_messages as pm


@dataclass(frozen=True)
class IacResource:
    address: str  # e.g. aws_iam_policy.admin, module.logs.aws_s3_bucket.this, data.aws_iam_policy_document.x
    type: str
    name: str
    mode: str  # managed | data
    values: dict[str, Any]
    file: str
    line: int | None = None
    unknown: frozenset[str] = frozenset()  # attributes known only after apply (plans)

    @property
    def ref(self) -> str:
        """How other resources of the same module refer to it: ``aws_iam_policy.admin``, ``data.x.y``."""
        base = f"{self.type}.{self.name}"
        return "data." + base if self.mode == "data" else base

    @property
    def module(self) -> str:
        head, _, _ = self.address.rpartition(self.ref)
        return head


class ParseError(ValueError):
    """A file that is not Terraform; ``text`` says where and why."""

    def __init__(self, text: Text) -> None:
        self.text = text
        super().__init__(str(text))


# --- reading ----------------------------------------------------------------------------------------------

def _line_finder(text: str) -> Callable[[str], int | None]:
    starts = [m.start() for m in re.finditer(r"^", text, re.M)]

    def line_of(pattern: str) -> int | None:
        m = re.search(pattern, text, re.M)
        if m is None:
            return None
        import bisect
        return bisect.bisect_right(starts, m.start())
    return line_of


def parse_hcl(text: str, file: str) -> list[IacResource]:
    """The resources and data sources of one ``.tf`` file (modules are not expanded)."""
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(with_meta=False, with_comments=False, strip_string_quotes=True,
                                   preserve_heredocs=False, explicit_blocks=False)
    try:
        doc = hcl2.loads(text, serialization_options=options)
    except Exception as e:  # lark raises several exception types for a syntax error
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ParseError(pm.SCAN_BAD_HCL(file=file, error=first[:300])) from None
    line_of = _line_finder(text)
    out: list[IacResource] = []
    for mode, key in (("managed", "resource"), ("data", "data")):
        for block in doc.get(key) or []:
            for rtype, named in block.items():
                for name, body in (named or {}).items():
                    values = body if isinstance(body, dict) else {}
                    pattern = rf'^[ \t]*{key}\s+"?{re.escape(rtype)}"?\s+"?{re.escape(name)}"?\s*\{{'
                    prefix = "data." if mode == "data" else ""
                    out.append(IacResource(f"{prefix}{rtype}.{name}", rtype, name, mode, values, file,
                                           line_of(pattern)))
    return out


def parse_plan(text: str, file: str) -> list[IacResource]:
    """The resources of a ``terraform show -json`` document (a plan's ``planned_values``, or a state's
    ``values``), child modules included, with each attribute known only after apply."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError(pm.SCAN_BAD_JSON(file=file, line=e.lineno, error=e.msg)) from None
    if not isinstance(doc, dict):
        raise ParseError(pm.SCAN_NOT_PLAN(file=file))
    root = (doc.get("planned_values") or doc.get("values") or {})
    if not isinstance(root, dict) or ("planned_values" not in doc and "values" not in doc):
        raise ParseError(pm.SCAN_NOT_PLAN(file=file))
    unknown: dict[str, frozenset[str]] = {}
    for change in doc.get("resource_changes") or []:
        after = (change.get("change") or {}).get("after_unknown") or {}
        if isinstance(after, dict):
            unknown[change.get("address", "")] = frozenset(k for k, v in after.items() if v is True)
    refs = _config_refs(doc.get("configuration") or {})
    line_of = _line_finder(text)
    out: list[IacResource] = []

    def walk(module: dict[str, Any]) -> None:
        for r in module.get("resources") or []:
            address = r.get("address") or f"{r.get('type')}.{r.get('name')}"
            values = dict(r.get("values") or {})
            for attr, targets in refs.get(_strip_index(address), {}).items():
                if values.get(attr) in (None, "", []):
                    values[attr] = "${" + targets[0] + "}" if targets else values.get(attr)
            out.append(IacResource(address, r.get("type", ""), r.get("name", ""), r.get("mode", "managed"), values,
                                   file, line_of(rf'"address":\s*"{re.escape(address)}"'),
                                   unknown.get(address, frozenset())))
        for child in module.get("child_modules") or []:
            walk(child)

    walk(root.get("root_module") or {})
    return out


def _strip_index(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def _config_refs(config: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """address (without indexes) -> attribute -> the references its configuration expression makes."""
    out: dict[str, dict[str, list[str]]] = {}

    def walk(module: dict[str, Any], prefix: str) -> None:
        for r in module.get("resources") or []:
            address = prefix + r.get("address", "")
            for attr, expr in (r.get("expressions") or {}).items():
                if isinstance(expr, dict) and expr.get("references"):
                    out.setdefault(address, {})[attr] = [str(x) for x in expr["references"]]
        for name, call in (module.get("module_calls") or {}).items():
            walk(call.get("module") or {}, f"{prefix}module.{name}.")

    walk(config.get("root_module") or {}, "")
    return out


# --- helpers on values ------------------------------------------------------------------------------------

def _list(v: Any) -> list[Any]:
    if v is None:
        return []
    return list(v) if isinstance(v, list | tuple) else [v]


def _block(v: Any) -> dict[str, Any] | None:
    """A nested block: HCL gives a dict or a list of dicts, a plan a list of dicts."""
    if isinstance(v, dict):
        return v
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return v[0]
    return None


def _expr(v: Any) -> bool:
    """A value Terraform computes (a variable, a local, a function): the scan cannot decide on it."""
    return isinstance(v, str) and "${" in v


def _true(v: Any) -> bool:
    return v is True or (isinstance(v, str) and v.strip().lower() == "true")


def _false(v: Any) -> bool:
    return v is False or (isinstance(v, str) and v.strip().lower() == "false")


def _refers(value: Any, target: IacResource) -> bool:
    """Does ``value`` (a string, or a list of them) reference ``target`` (``aws_iam_group.support.name``), or
    equal its name attribute?"""
    ref = re.compile(r"(?<![\w.])" + re.escape(target.ref) + r"(\[[^\]]*\])?\.")
    names = {str(target.values.get(k)) for k in ("name", "bucket", "id") if isinstance(target.values.get(k), str)}
    return any(isinstance(v, str) and bool(ref.search(v) or v in names) for v in _list(value))


@dataclass
class _Statement:
    effect: str
    actions: list[str]
    resources: list[str]
    not_actions: bool = False


_EXPR = re.compile(r"^\$\{(.*)\}$", re.S)


@dataclass
class _Index:
    """Resources of one scan, with the lookups detectors need."""

    resources: list[IacResource]
    by_ref: dict[tuple[str, str], IacResource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for r in self.resources:
            self.by_ref[(r.module, r.ref)] = r

    def of_type(self, *types: str) -> Iterator[IacResource]:
        return (r for r in self.resources if r.type in types and r.mode == "managed")

    def lookup(self, module: str, ref: str) -> IacResource | None:
        return self.by_ref.get((module, ref))

    def policy_texts(self, owner: IacResource, value: Any, depth: int = 0) -> list[str] | None:
        """The raw texts a policy value is made of (documents it refers to included); None: undecidable."""
        if depth > 5:
            return None
        if isinstance(value, dict):
            return [json.dumps(value)]
        if not isinstance(value, str):
            return None
        m = _EXPR.match(value.strip())
        if m is None:
            return [value]
        expr = m.group(1).strip()
        doc = re.fullmatch(r"(data\.aws_iam_policy_document\.[\w-]+)(\[[^\]]*\])?\.json", expr)
        if doc:
            data = self.lookup(owner.module, doc.group(1))
            if data is None:
                return None
            texts = [json.dumps(data.values)]
            for key in ("source_policy_documents", "override_policy_documents", "source_json", "override_json"):
                for v in _list(data.values.get(key)):
                    more = self.policy_texts(data, v, depth + 1)
                    if more:
                        texts += more
            return texts
        if expr.startswith("jsonencode("):
            return [expr]
        return None

    def statements(self, owner: IacResource, value: Any) -> list[_Statement] | None:
        """The statements of a policy value (a JSON string, ``jsonencode({...})`` or a policy-document data
        source); None: undecidable (a variable, a value known after apply)."""
        return self._statements(owner, value, 0)

    def _statements(self, owner: IacResource, value: Any, depth: int) -> list[_Statement] | None:
        if isinstance(value, str):
            m = _EXPR.match(value.strip())
            if m is not None:
                expr = m.group(1).strip()
                doc = re.fullmatch(r"(data\.aws_iam_policy_document\.[\w-]+)(\[[^\]]*\])?\.json", expr)
                if doc:
                    data = self.lookup(owner.module, doc.group(1))
                    return None if data is None else self._document(data, depth)
                if expr.startswith("jsonencode(") and expr.endswith(")"):
                    return _json_statements(_hcl_value(expr[len("jsonencode("):-1]))
                return None
            try:
                return _json_statements(json.loads(value))
            except (json.JSONDecodeError, ValueError):
                return None
        if isinstance(value, dict):
            return _json_statements(value)
        return None

    def _document(self, data: IacResource, depth: int) -> list[_Statement] | None:
        out: list[_Statement] = []
        for s in _list(data.values.get("statement")):
            if not isinstance(s, dict):
                continue
            actions = _list(s.get("actions")) or _list(s.get("not_actions"))
            out.append(_Statement(str(s.get("effect") or "Allow"), [str(a) for a in actions],
                                  [str(r) for r in _list(s.get("resources")) or _list(s.get("not_resources"))],
                                  not_actions=bool(s.get("not_actions"))))
        for key in ("source_policy_documents", "override_policy_documents"):
            for v in _list(data.values.get(key)):
                if depth < 5:
                    out += self._statements(data, v, depth + 1) or []
        return out


def _hcl_value(expr: str) -> Any:
    """An HCL object/tuple expression as Python data (``{Version = "2012-10-17", Statement = [...]}``)."""
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(with_comments=False, strip_string_quotes=True, explicit_blocks=False)
    try:
        return hcl2.loads(f"x = {expr}\n", serialization_options=options).get("x")
    except Exception:  # an expression hcl2 cannot read: undecidable
        return None


def _json_statements(doc: Any) -> list[_Statement] | None:
    if not isinstance(doc, dict):
        return None
    out: list[_Statement] = []
    for s in _list(doc.get("Statement")):
        if not isinstance(s, dict):
            continue
        actions = s.get("Action") if "Action" in s else s.get("NotAction")
        resources = s.get("Resource") if "Resource" in s else s.get("NotResource")
        out.append(_Statement(str(s.get("Effect") or "Allow"), [str(a) for a in _list(actions)],
                              [str(r) for r in _list(resources)], not_actions="NotAction" in s))
    return out


def _is_admin(statements: Iterable[_Statement]) -> bool:
    return any(s.effect.strip().lower() == "allow" and not s.not_actions and "*" in s.actions and "*" in s.resources
               for s in statements)


# --- the detectors --------------------------------------------------------------------------------------------

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
PUBLIC_ACLS = ("public-read", "public-read-write", "authenticated-read")
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")


@dataclass
class _Result:
    checked: int = 0
    violations: list[Violation] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _v(code: str, r: IacResource, problem: Text, address: str | None = None) -> Violation:
    return Violation(code, address or r.address, r.file, r.line, problem)


def _mfa(ix: _Index, out: _Result) -> None:
    policies = list(ix.of_type("aws_iam_group_policy", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"))
    for group in ix.of_type("aws_iam_group"):
        out.checked += 1
        undecided = False
        enforced = False
        for p in policies:
            target = p.values.get("group") if p.type != "aws_iam_policy_attachment" else p.values.get("groups")
            if not _refers(target, group):
                continue
            if p.type == "aws_iam_group_policy":
                texts = ix.policy_texts(p, p.values.get("policy"))
            else:
                texts = None
                for managed in ix.of_type("aws_iam_policy"):
                    if managed.module == p.module and _refers(p.values.get("policy_arn"), managed):
                        texts = ix.policy_texts(managed, managed.values.get("policy"))
            if texts is None:
                undecided = True
            elif any("aws:MultiFactorAuthPresent" in t for t in texts):
                enforced = True
        if not enforced:
            if undecided:
                out.unknown.append(group.address)
            else:
                out.violations.append(_v("POS-001", group, pm.V_NO_MFA()))


def _keys(ix: _Index, out: _Result) -> None:
    for key in ix.of_type("aws_kms_key"):
        spec = str(key.values.get("customer_master_key_spec") or key.values.get("key_spec") or "SYMMETRIC_DEFAULT")
        if spec != "SYMMETRIC_DEFAULT":
            continue  # asymmetric and HMAC keys cannot rotate automatically
        out.checked += 1
        if "enable_key_rotation" in key.unknown or _expr(key.values.get("enable_key_rotation")):
            out.unknown.append(key.address)
        elif not _true(key.values.get("enable_key_rotation")):
            out.violations.append(_v("POS-002", key, pm.V_KMS_ROTATION()))
    for key in ix.of_type("google_kms_crypto_key"):
        out.checked += 1
        if not key.values.get("rotation_period"):
            out.violations.append(_v("POS-002", key, pm.V_KMS_ROTATION()))


_HUMAN_INLINE = ("aws_iam_user_policy", "aws_iam_group_policy", "aws_ssoadmin_permission_set_inline_policy")
_ATTACH_HUMAN = ("aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment",
                 "aws_ssoadmin_managed_policy_attachment")


def _least_privilege(ix: _Index, out: _Result) -> None:
    for r in ix.of_type(*_HUMAN_INLINE):
        out.checked += 1
        value = r.values.get("inline_policy" if r.type.startswith("aws_ssoadmin") else "policy")
        stmts = None if {"policy", "inline_policy"} & r.unknown else ix.statements(r, value)
        if stmts is None:
            out.unknown.append(r.address)
        elif _is_admin(stmts):
            out.violations.append(_v("POS-003", r, pm.V_ADMIN()))
    attachments = list(ix.of_type(*_ATTACH_HUMAN, "aws_iam_role_policy_attachment", "aws_iam_policy_attachment"))
    for p in ix.of_type("aws_iam_policy"):
        mine = [a for a in attachments if a.module == p.module and _refers(a.values.get("policy_arn"), p)]
        machine_only = bool(mine) and all(
            a.type == "aws_iam_role_policy_attachment"
            or (a.type == "aws_iam_policy_attachment" and not a.values.get("users") and not a.values.get("groups"))
            for a in mine)
        if machine_only:
            continue
        out.checked += 1
        stmts = None if "policy" in p.unknown else ix.statements(p, p.values.get("policy"))
        if stmts is None:
            out.unknown.append(p.address)
        elif _is_admin(stmts):
            out.violations.append(_v("POS-003", p, pm.V_ADMIN()))
    for a in ix.of_type(*_ATTACH_HUMAN, "aws_iam_policy_attachment"):
        arn = a.values.get("policy_arn" if a.type != "aws_ssoadmin_managed_policy_attachment"
                           else "managed_policy_arn")
        if a.type == "aws_iam_policy_attachment" and not (a.values.get("users") or a.values.get("groups")):
            continue
        out.checked += 1
        if isinstance(arn, str) and arn.strip() == ADMIN_ARN:
            out.violations.append(_v("POS-003", a, pm.V_ADMIN()))
    for b in ix.of_type("google_project_iam_member", "google_project_iam_binding", "google_organization_iam_member",
                        "google_organization_iam_binding", "google_folder_iam_member", "google_folder_iam_binding"):
        out.checked += 1
        members = _list(b.values.get("member")) + _list(b.values.get("members"))
        if b.values.get("role") == "roles/owner" and any(
                isinstance(m, str) and m.startswith(("user:", "group:")) for m in members):
            out.violations.append(_v("POS-003", b, pm.V_OWNER()))


def _images(ix: _Index, out: _Result) -> None:
    registry_scan = any(True for _ in ix.of_type("aws_ecr_registry_scanning_configuration"))
    for repo in ix.of_type("aws_ecr_repository"):
        out.checked += 1
        conf = _block(repo.values.get("image_scanning_configuration")) or {}
        if not registry_scan and _expr(conf.get("scan_on_push")):
            out.unknown.append(repo.address)
        elif not registry_scan and not _true(conf.get("scan_on_push")):
            out.violations.append(_v("POS-004", repo, pm.V_ECR_SCAN()))


def _logging(ix: _Index, out: _Result) -> None:
    """An absent trail is an *absence* (overridden by fresh manual evidence); a bucket without logging is not."""
    aws = [r for r in ix.resources if r.mode == "managed" and r.type.startswith("aws_")]
    trails = list(ix.of_type("aws_cloudtrail"))
    if aws:
        out.checked += len(trails) or 1
        if not trails:
            first = aws[0]
            out.violations.append(Violation("POS-005", "aws_cloudtrail", first.file, None, pm.V_NO_TRAIL(),
                                            absence=True))
    buckets = list(ix.of_type("aws_s3_bucket"))
    logging_res = list(ix.of_type("aws_s3_bucket_logging"))
    targets: list[Any] = []
    for b in buckets:
        conf = _block(b.values.get("logging"))
        if conf:
            targets.append(conf.get("target_bucket"))
    targets += [lr.values.get("target_bucket") for lr in logging_res]
    for b in buckets:
        if str(b.values.get("acl") or "") == "log-delivery-write" or any(_refers(t, b) for t in targets):
            continue  # a log bucket does not log into itself
        out.checked += 1
        if _block(b.values.get("logging")):
            continue
        if any(_refers(lr.values.get("bucket"), b) for lr in logging_res):
            continue
        out.violations.append(_v("POS-005", b, pm.V_S3_LOGGING()))


def _public(ix: _Index, out: _Result) -> None:
    for b in ix.of_type("aws_s3_bucket", "aws_s3_bucket_acl"):
        acl = b.values.get("acl")
        out.checked += 1
        if _expr(acl) or "acl" in b.unknown:
            out.unknown.append(b.address)
        elif isinstance(acl, str) and acl in PUBLIC_ACLS:
            out.violations.append(_v("POS-009", b, pm.V_PUBLIC_ACL(acl=acl)))
    for block in ix.of_type("aws_s3_bucket_public_access_block"):
        out.checked += 1
        if any(_expr(block.values.get(k)) or k in block.unknown for k in ("block_public_acls", "block_public_policy")):
            out.unknown.append(block.address)
            continue
        off = [k for k in ("block_public_acls",) if not _true(block.values.get(k))]
        off += [k for k in ("block_public_policy",) if _false(block.values.get(k))]
        if off:
            out.violations.append(_v("POS-009", block, pm.V_PUBLIC_BLOCK(setting=", ".join(off))))
    for m in ix.of_type("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding",
                        "google_storage_bucket_access_control", "google_storage_default_object_access_control",
                        "google_storage_object_access_control"):
        out.checked += 1
        members = _list(m.values.get("member")) + _list(m.values.get("members")) + _list(m.values.get("entity"))
        public = [x for x in members if isinstance(x, str) and x in PUBLIC_MEMBERS]
        if public:
            out.violations.append(_v("POS-009", m, pm.V_PUBLIC_MEMBER(member=public[0])))
    for c in ix.of_type("azurerm_storage_container"):
        out.checked += 1
        access = c.values.get("container_access_type")
        if _expr(access):
            out.unknown.append(c.address)
        elif isinstance(access, str) and access in ("blob", "container"):
            out.violations.append(_v("POS-009", c, pm.V_PUBLIC_CONTAINER(access=access)))
    for a in ix.of_type("azurerm_storage_account"):
        out.checked += 1
        nested = a.values.get("allow_nested_items_to_be_public", a.values.get("allow_blob_public_access"))
        if _expr(nested):
            out.unknown.append(a.address)
        elif nested is None or _true(nested):  # azurerm 3+: public blobs allowed unless turned off
            out.violations.append(_v("POS-009", a, pm.V_PUBLIC_ACCOUNT()))


def detect(resources: list[IacResource]) -> dict[str, ScanResult]:
    """Per detectable control: resources checked, violations and undecidable resources. Controls with nothing to
    check are left out: a scan that saw no IAM group says nothing about MFA."""
    ix = _Index(resources)
    out: dict[str, ScanResult] = {}
    for code, fn in (("POS-001", _mfa), ("POS-002", _keys), ("POS-003", _least_privilege), ("POS-004", _images),
                     ("POS-005", _logging), ("POS-009", _public)):
        r = _Result()
        fn(ix, r)
        if r.checked:
            out[code] = ScanResult(code, r.checked, tuple(r.violations), tuple(r.unknown))
    return out
