package live

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/loader/live/internal/awsproxy"
	"github.com/iamx/iamx/loader/live/internal/motoserver"
	"github.com/iamx/iamx/model"
)

// testOptions keeps retries quick in tests; the policy (adaptive, attempts)
// is the production one.
func testOptions() Options {
	return Options{retry: retryTuning{maxBackoff: 200 * time.Millisecond}}
}

// captureVia captures with the SDK pointed at endpoint (moto or a proxy).
func captureVia(t testing.TB, endpoint string, opts Options) (*model.Snapshot, []Progress) {
	t.Helper()
	liveEnv(t, endpoint)
	var events []Progress
	snap, err := Capture(context.Background(), opts, func(p Progress) { events = append(events, p) })
	if err != nil {
		t.Fatalf("Capture: %v", err)
	}
	return snap, events
}

func byName[T any](items []*T, name func(*T) string) map[string]*T {
	out := make(map[string]*T, len(items))
	for _, it := range items {
		out[name(it)] = it
	}
	return out
}

func attachedARNs(a []model.AttachedPolicy) []string {
	var out []string
	for _, p := range a {
		out = append(out, p.ARN)
	}
	slices.Sort(out)
	return out
}

func checkInline(t *testing.T, who string, got []model.InlinePolicy, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d inline policies, want %d", who, len(got), len(want))
	}
	for _, p := range got {
		w, ok := want[p.Name]
		if !ok {
			t.Errorf("%s: unexpected inline policy %q", who, p.Name)
			continue
		}
		if p.Document.Policy == nil || !sameJSON(string(p.Document.JSON), w) {
			t.Errorf("%s: inline policy %q = %s (parsed %v), want %s", who, p.Name, p.Document.JSON, p.Document.Policy != nil, w)
		}
	}
}

func checkTags(t *testing.T, who string, got []model.Tag, want map[string]string) {
	t.Helper()
	m := map[string]string{}
	for _, tg := range got {
		m[tg.Key] = tg.Value
	}
	if len(want) == 0 && len(m) == 0 {
		return
	}
	if !maps.Equal(m, want) {
		t.Errorf("%s: tags %v, want %v", who, m, want)
	}
}

// compareAccount checks the snapshot entity by entity against what the test
// created, and that nothing else is in it.
func compareAccount(t *testing.T, snap *model.Snapshot, e *expected) {
	t.Helper()
	if snap.AccountID != testAccount || snap.AccountAlias != e.alias || snap.Partition != "aws" {
		t.Errorf("account %q alias %q partition %q, want %q %q aws", snap.AccountID, snap.AccountAlias, snap.Partition, testAccount, e.alias)
	}
	if !strings.HasPrefix(snap.CapturedBy, "arn:aws:") || snap.CapturedAt.IsZero() || snap.Source != "live" {
		t.Errorf("captured by %q at %v source %q", snap.CapturedBy, snap.CapturedAt, snap.Source)
	}

	users := byName(snap.Users, func(u *model.User) string { return u.Name })
	if len(users) != len(e.users) {
		t.Errorf("%d users, want %d", len(users), len(e.users))
	}
	for name, w := range e.users {
		u, ok := users[name]
		if !ok {
			t.Errorf("user %s missing", name)
			continue
		}
		who := "user " + name
		if u.Path != w.path || u.ARN != "arn:aws:iam::"+testAccount+":user"+w.path+name || u.ID == "" || u.CreateDate.IsZero() {
			t.Errorf("%s: path %q arn %q id %q created %v", who, u.Path, u.ARN, u.ID, u.CreateDate)
		}
		if !slices.Equal(sortedCopy(u.Groups), sortedCopy(w.groups)) {
			t.Errorf("%s: groups %v, want %v", who, u.Groups, w.groups)
		}
		if !slices.Equal(attachedARNs(u.AttachedPolicies), sortedCopy(w.attached)) {
			t.Errorf("%s: attached %v, want %v", who, attachedARNs(u.AttachedPolicies), w.attached)
		}
		for _, a := range u.AttachedPolicies {
			if a.Name == "" || !strings.HasSuffix(a.ARN, "/"+a.Name) {
				t.Errorf("%s: attached policy name %q for %s", who, a.Name, a.ARN)
			}
		}
		checkInline(t, who, u.InlinePolicies, w.inline)
		checkTags(t, who, u.Tags, w.tags)
		// iam:ListAccessKeys: every key by ID, active, with its date;
		// users without keys are listed with none.
		var ids []string
		for _, k := range u.AccessKeys {
			ids = append(ids, k.ID)
			if k.Status != "Active" || k.CreateDate.IsZero() {
				t.Errorf("%s: key %s status %q created %v", who, k.ID, k.Status, k.CreateDate)
			}
		}
		if !u.AccessKeysListed || !slices.Equal(sortedCopy(ids), sortedCopy(w.keyIDs)) {
			t.Errorf("%s: access keys listed %v %v, want %v", who, u.AccessKeysListed, ids, w.keyIDs)
		}
	}

	groups := byName(snap.Groups, func(g *model.Group) string { return g.Name })
	if len(groups) != len(e.groups) {
		t.Errorf("%d groups, want %d", len(groups), len(e.groups))
	}
	for name, w := range e.groups {
		g, ok := groups[name]
		if !ok {
			t.Errorf("group %s missing", name)
			continue
		}
		if !slices.Equal(attachedARNs(g.AttachedPolicies), sortedCopy(w.attached)) {
			t.Errorf("group %s: attached %v, want %v", name, attachedARNs(g.AttachedPolicies), w.attached)
		}
		checkInline(t, "group "+name, g.InlinePolicies, w.inline)
	}

	roles := byName(snap.Roles, func(r *model.Role) string { return r.Name })
	if len(roles) != len(e.roles) {
		t.Errorf("%d roles, want %d", len(roles), len(e.roles))
	}
	for name, w := range e.roles {
		r, ok := roles[name]
		if !ok {
			t.Errorf("role %s missing", name)
			continue
		}
		who := "role " + name
		if r.Path != w.path || r.ARN != "arn:aws:iam::"+testAccount+":role"+w.path+name {
			t.Errorf("%s: path %q arn %q", who, r.Path, r.ARN)
		}
		// moto returns trust policies as plain JSON while every other
		// document is URL-encoded; both must arrive decoded and parsed.
		if r.TrustPolicy.Policy == nil || !sameJSON(string(r.TrustPolicy.JSON), w.trust) {
			t.Errorf("%s: trust policy %s, want %s", who, r.TrustPolicy.JSON, w.trust)
		}
		if !slices.Equal(attachedARNs(r.AttachedPolicies), sortedCopy(w.attached)) {
			t.Errorf("%s: attached %v, want %v", who, attachedARNs(r.AttachedPolicies), w.attached)
		}
		if r.PermissionsBoundary != w.boundary {
			t.Errorf("%s: boundary %q, want %q", who, r.PermissionsBoundary, w.boundary)
		}
		var profiles []string
		for _, ip := range r.InstanceProfiles {
			profiles = append(profiles, ip.Name)
			if !slices.Equal(ip.Roles, []string{name}) {
				t.Errorf("%s: instance profile %s carries %v", who, ip.Name, ip.Roles)
			}
		}
		if !slices.Equal(profiles, w.instanceProfiles) {
			t.Errorf("%s: instance profiles %v, want %v", who, profiles, w.instanceProfiles)
		}
		checkInline(t, who, r.InlinePolicies, w.inline)
		checkTags(t, who, r.Tags, w.tags)
	}

	// Customer managed policies all; AWS managed ones only when used.
	policies := byName(snap.Policies, func(p *model.ManagedPolicy) string { return p.ARN })
	if len(policies) != len(e.policies)+len(e.awsUsed) {
		var arns []string
		for a := range policies {
			arns = append(arns, a)
		}
		slices.Sort(arns)
		t.Errorf("%d managed policies, want %d customer + %d AWS in use; got %v", len(policies), len(e.policies), len(e.awsUsed), arns)
	}
	for _, a := range e.awsUsed {
		p, ok := policies[a]
		if !ok {
			t.Errorf("AWS managed policy %s in use but missing", a)
			continue
		}
		// moto leaves PolicyName out of GAAD's Policies list.
		if dv := p.DefaultVersion(); p.Name != a[strings.LastIndex(a, "/")+1:] || dv == nil || dv.Document.Policy == nil {
			t.Errorf("AWS managed %s: name %q, default version parsed: %v", a, p.Name, dv != nil && dv.Document.Policy != nil)
		}
	}
	for a, w := range e.policies {
		p, ok := policies[a]
		if !ok {
			t.Errorf("customer policy %s missing", a)
			continue
		}
		if p.Name != w.name || p.Path != w.path || p.DefaultVersionID != w.defaultVersion || len(p.Versions) != len(w.versions) {
			t.Errorf("policy %s: name %q path %q default %q versions %d, want %q %q %q %d", a, p.Name, p.Path, p.DefaultVersionID, len(p.Versions), w.name, w.path, w.defaultVersion, len(w.versions))
			continue
		}
		for i, v := range p.Versions {
			want := w.versions[i]
			if v.Document.Policy == nil || !sameJSON(string(v.Document.JSON), want) {
				t.Errorf("policy %s version %s: %s, want %s", a, v.VersionID, v.Document.JSON, want)
			}
			if v.IsDefaultVersion != (v.VersionID == w.defaultVersion) {
				t.Errorf("policy %s version %s: default %v", a, v.VersionID, v.IsDefaultVersion)
			}
		}
	}

	// Credential report: one row per user, keys and passwords as created.
	rows := map[string]model.CredentialReportRow{}
	for _, r := range snap.CredentialReport {
		rows[r.User] = r
	}
	for name, w := range e.users {
		r, ok := rows[name]
		if !ok {
			t.Errorf("credential report: no row for %s", name)
			continue
		}
		if got := r.AccessKey1Active == "true"; got != (w.keys >= 1) {
			t.Errorf("credential report %s: access_key_1_active %q with %d keys", name, r.AccessKey1Active, w.keys)
		}
		if got := r.AccessKey2Active == "true"; got != (w.keys >= 2) {
			t.Errorf("credential report %s: access_key_2_active %q with %d keys", name, r.AccessKey2Active, w.keys)
		}
		if got := r.PasswordEnabled == "true"; got != w.password {
			t.Errorf("credential report %s: password_enabled %q, want %v", name, r.PasswordEnabled, w.password)
		}
	}
	for _, w := range snap.Warnings {
		t.Errorf("unexpected warning: %s", w)
	}
}

// encode renders a snapshot as written to disk, with the capture time
// cleared, for comparing captures and searching for secrets.
func encode(t *testing.T, s *model.Snapshot) string {
	t.Helper()
	c := *s
	c.CapturedAt = time.Time{}
	var b bytes.Buffer
	if err := loader.Encode(&b, &c); err != nil {
		t.Fatalf("encode snapshot: %v", err)
	}
	return b.String()
}

// The capture reproduces the account entity by entity, through pages
// smaller than MaxItems (IAM may return fewer items than asked while
// IsTruncated), and writes no credentials.
func TestCaptureMatchesAccount(t *testing.T) {
	moto := motoserver.Start(t)
	want := buildAccount(t, setupClient(moto.URL), 25)
	proxy := awsproxy.Start(t, moto.URL, awsproxy.Options{PageSize: 7})

	snap, events := captureVia(t, proxy.URL, testOptions())
	compareAccount(t, snap, want)

	pages := map[string]int{}
	for _, ev := range events {
		if ev.Done {
			pages[ev.Stream] = ev.Pages
			if ev.Err != nil || ev.Warning != "" {
				t.Errorf("stream %s ended with %v %q", ev.Stream, ev.Err, ev.Warning)
			}
		}
	}
	// 28 users in pages of 7.
	if pages[StreamUsers] != 4 || pages[StreamAWSPolicies] < 2 {
		t.Errorf("pages per stream %v; want 4 user pages and several AWS policy pages", pages)
	}
	out := encode(t, snap)
	for _, secret := range []string{testAccessKeyID, testSecretKey} {
		if strings.Contains(out, secret) {
			t.Errorf("snapshot contains the credential %q", secret)
		}
	}
}

// Every operation that reaches the network during a full capture, assume
// role included, is in the allowlist.
func TestCaptureSendsOnlyAllowlistedOperations(t *testing.T) {
	moto := motoserver.Start(t)
	buildAccount(t, setupClient(moto.URL), 3)
	proxy := awsproxy.Start(t, moto.URL, awsproxy.Options{PageSize: 5})

	opts := testOptions()
	opts.RoleARN = "arn:aws:iam::" + testAccount + ":role/ops/Admin"
	opts.ExternalID = "x+y/z"
	captureVia(t, proxy.URL, opts)

	allowedOps := AllowedOperations()
	seen := map[string]bool{}
	for _, op := range proxy.Operations() {
		seen[op] = true
		if !slices.Contains(allowedOps, op) {
			t.Errorf("operation %s reached the server; allowlist is %v", op, allowedOps)
		}
	}
	// The recording itself must work, or the check above proves nothing.
	for _, op := range []string{"sts:GetCallerIdentity", "sts:AssumeRole", "iam:GetAccountAuthorizationDetails", "iam:ListAccountAliases", "iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListAccessKeys"} {
		if !seen[op] {
			t.Errorf("%s never reached the server; recorded %v", op, proxy.Operations())
		}
	}
}

// With --role-arn the capture runs as the assumed role, and its default
// session name names the original caller.
func TestCaptureAssumesRole(t *testing.T) {
	moto := motoserver.Start(t)
	buildAccount(t, setupClient(moto.URL), 0)
	opts := testOptions()
	opts.RoleARN = "arn:aws:iam::" + testAccount + ":role/Deploy"
	snap, _ := captureVia(t, moto.URL, opts)
	if !strings.Contains(snap.CapturedBy, ":assumed-role/Deploy/iamx-") {
		t.Errorf("captured by %q, want the assumed Deploy role with an iamx- session", snap.CapturedBy)
	}
}

// Throttling and dropped connections are retried until the capture
// completes, and the result equals an undisturbed capture.
func TestCaptureSurvivesThrottlingAndDroppedConnections(t *testing.T) {
	moto := motoserver.Start(t)
	buildAccount(t, setupClient(moto.URL), 40)

	// Pages of 6 give every stream several pages; AWS managed policies come
	// in pages of 6 too, so limit them to those in use, as IAM does, to keep
	// the request count (and adaptive mode's slowed-down sending) modest.
	clean := awsproxy.Start(t, moto.URL, awsproxy.Options{PageSize: 6, InUseAWSPoliciesOnly: true})
	want, _ := captureVia(t, clean.URL, testOptions())

	faulty := awsproxy.Start(t, moto.URL, awsproxy.Options{PageSize: 6, InUseAWSPoliciesOnly: true, Faults: awsproxy.Faults{Seed: 6, Percent: 50, Max: 30}})
	got, _ := captureVia(t, faulty.URL, testOptions())

	throttles, drops, _ := faulty.Injected()
	t.Logf("injected %d throttles and %d dropped connections over %d requests", throttles, drops, len(faulty.Operations()))
	if throttles == 0 || drops == 0 {
		t.Fatalf("fault injection did not fire (throttles %d, drops %d); the test proves nothing", throttles, drops)
	}
	if a, b := encode(t, want), encode(t, got); a != b {
		t.Errorf("capture under faults differs from the undisturbed one:\n%s", firstDiff(a, b))
	}
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return "undisturbed: …" + a[lo:min(len(a), i+200)] + "\nunder faults: …" + b[lo:min(len(b), i+200)]
}

// Denied optional calls become warnings kept in the snapshot; the capture
// goes on.
func TestCaptureDeniedOptionalCallsBecomeWarnings(t *testing.T) {
	moto := motoserver.Start(t)
	buildAccount(t, setupClient(moto.URL), 0)
	proxy := awsproxy.Start(t, moto.URL, awsproxy.Options{Deny: []string{
		"iam:ListAccountAliases", "iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListAccessKeys",
	}})
	snap, events := captureVia(t, proxy.URL, testOptions())
	if snap.AccountAlias != "" || len(snap.CredentialReport) != 0 {
		t.Errorf("alias %q and %d report rows despite denial", snap.AccountAlias, len(snap.CredentialReport))
	}
	var msgs []string
	for _, w := range snap.Warnings {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	for _, u := range snap.Users {
		if u.AccessKeysListed || len(u.AccessKeys) > 0 {
			t.Errorf("user %s: access keys listed %v %v despite denial", u.Name, u.AccessKeysListed, u.AccessKeys)
		}
	}
	for _, want := range []string{"account alias not captured: iam:ListAccountAliases was denied", "credential report not captured: iam:GenerateCredentialReport was denied", "access keys not captured: iam:ListAccessKeys was denied", snap.CapturedBy} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings %q lack %q", all, want)
		}
	}
	denied := 0
	for _, ev := range events {
		if ev.Done && ev.Warning != "" {
			denied++
		}
	}
	if denied != 3 || len(snap.Users) == 0 {
		t.Errorf("%d denied progress events, %d users; want 3 and the account", denied, len(snap.Users))
	}
}

// Without GetAccountAuthorizationDetails there is no snapshot: the error
// names the missing permission and the caller.
func TestCaptureDeniedGAADNamesPermission(t *testing.T) {
	moto := motoserver.Start(t)
	proxy := awsproxy.Start(t, moto.URL, awsproxy.Options{Deny: []string{"iam:GetAccountAuthorizationDetails"}})
	liveEnv(t, proxy.URL)
	_, err := Capture(context.Background(), testOptions(), nil)
	if err == nil {
		t.Fatal("capture succeeded without iam:GetAccountAuthorizationDetails")
	}
	for _, want := range []string{"iam:GetAccountAuthorizationDetails", "arn:aws:", "not allowed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// Cancelling the context (ctrl+c) stops the capture with an error that
// says so, promptly, even while requests are in flight.
func TestCaptureCancelled(t *testing.T) {
	moto := motoserver.Start(t)
	proxy := awsproxy.Start(t, moto.URL, awsproxy.Options{Latency: 2 * time.Second})
	liveEnv(t, proxy.URL)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := Capture(ctx, testOptions(), nil)
	if err == nil || !strings.Contains(err.Error(), "cancelled") || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a cancelled error", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("cancellation took %v", d)
	}
}

// A new account (no users, groups or roles; only AWS's unattached managed
// policies) is captured as an empty snapshot, not rejected as "not GAAD".
func TestCaptureEmptyAccount(t *testing.T) {
	moto := motoserver.Start(t)
	snap, _ := captureVia(t, moto.URL, testOptions())
	if n := len(snap.Users) + len(snap.Groups) + len(snap.Roles) + len(snap.Policies); n != 0 || snap.AccountID != testAccount {
		t.Errorf("empty account captured with %d entities, account %q", n, snap.AccountID)
	}
}

// A malformed --role-arn is reported before any credential lookup or call.
func TestCaptureRejectsBadRoleARN(t *testing.T) {
	srv, requests := countingServer(t)
	liveEnv(t, srv.URL)
	tests := []struct{ name, roleARN, want string }{
		{"not an ARN", "Deploy", `must start with "arn:"`},
		{"not a role", "arn:aws:iam::123456789012:user/alice", "is not an IAM role ARN"},
		{"not IAM", "arn:aws:s3:::bucket", "is not an IAM role ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.RoleARN = tt.roleARN
			_, err := Capture(context.Background(), opts, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent despite a bad role ARN", n)
	}
}

// Without credentials anywhere the error says where iamx looked, before
// any request is sent.
func TestCaptureWithoutCredentials(t *testing.T) {
	srv, requests := countingServer(t)
	liveEnv(t, srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := Capture(context.Background(), testOptions(), nil)
	if err == nil || !strings.Contains(err.Error(), "no usable AWS credentials") {
		t.Fatalf("err = %v, want a no-credentials error", err)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests sent without credentials", n)
	}
}
