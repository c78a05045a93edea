// Package awsproxy is a loopback HTTP proxy for tests of the live capture. It
// sits between the SDK and moto_server and can record every operation that
// reaches it, add latency, answer with AWS errors (Throttling,
// AccessDenied), drop connections, and paginate
// GetAccountAuthorizationDetails the way IAM does (moto answers everything
// in one page whatever MaxItems says).
package awsproxy

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures the proxy. The zero value forwards everything untouched
// and only records.
type Options struct {
	// Latency is added before each request is forwarded.
	Latency time.Duration

	// PageSize, when > 0, makes GetAccountAuthorizationDetails return at
	// most this many entities per page (fewer than MaxItems when MaxItems
	// is larger, as IAM may), with IsTruncated and an opaque Marker.
	PageSize int

	// InUseAWSPoliciesOnly drops AWS managed policies that nothing attaches
	// from paginated GAAD answers. Real IAM returns only the AWS managed
	// policies in use in the account; moto returns all of them (about 1,500),
	// which would make every capture against it page through AWS's catalogue.
	// Used with PageSize.
	InUseAWSPoliciesOnly bool

	// Faults, when Seed is non-zero, injects Throttling errors and dropped
	// connections.
	Faults Faults

	// Deny answers these operations ("iam:ListAccountAliases") with
	// AccessDenied.
	Deny []string

	// DenyRequest, when set, answers the requests it picks with
	// AccessDenied; it sees the operation (as Operations names it) and
	// the request, for the REST services whose parameters are in the
	// path and query (a Lambda GetPolicy of one alias).
	DenyRequest func(op string, r *http.Request) bool

	// Handlers answer the requests of the services they are given for (by
	// the SigV4 credential scope's service: "s3", "kms", "sqs") in place
	// of the target, after the latency and faults.
	Handlers map[string]http.Handler
}

// Faults injects failures deterministically: whether a request fails, and
// how, depends only on Seed, the request's body (operation and parameters)
// and how many times that same body was seen before, never on the order in
// which concurrent requests arrive. Each selected request fails on its first
// one or two attempts and then passes, and no more than Max faults are
// injected in all.
type Faults struct {
	Seed    uint64
	Percent int // share of distinct requests that fail at first, 0–100
	Max     int // bound on injected faults
}

// Proxy is a running proxy.
type Proxy struct {
	URL string

	opts    Options
	target  *url.URL
	forward *httputil.ReverseProxy

	mu       sync.Mutex
	ops      []string       // every operation received, in arrival order
	attempts map[string]int // by request body
	injected struct{ throttles, drops, denials int }
	pages    map[string][]string // GAAD members by filter set, from moto's one big page
	inFlight map[string]int      // requests being served (latency included), per service
	maxSeen  map[string]int      // the most at once, per service
}

// Start runs a proxy to target (moto's URL) on 127.0.0.1 until the test ends.
func Start(t testing.TB, target string, opts Options) *Proxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("awsproxy: target %q: %v", target, err)
	}
	p := &Proxy{opts: opts, target: u, attempts: map[string]int{}, pages: map[string][]string{}, inFlight: map[string]int{}, maxSeen: map[string]int{}}
	p.forward = httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// Operations returns every operation that reached the proxy, as
// "service:Action" (service from the SigV4 credential scope), in arrival
// order. Action is the query protocol's Action, the JSON protocol's
// X-Amz-Target operation, or for REST services (S3, Lambda) the method and
// path ("lambda:GET /2015-03-31/functions/f/policy").
func (p *Proxy) Operations() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.ops...)
}

// MaxInFlight returns the most requests of a service (the SigV4 scope's:
// "s3", "kms") the proxy was serving at once, latency included: what a
// client's concurrency bound is measured by.
func (p *Proxy) MaxInFlight(service string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxSeen[service]
}

// Injected returns how many throttles, dropped connections and denials were sent.
func (p *Proxy) Injected() (throttles, drops, denials int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.injected.throttles, p.injected.drops, p.injected.denials
}

var scopeService = regexp.MustCompile(`Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request`)

type fault int

const (
	none fault = iota
	throttle
	drop
	deny
)

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	service := "unknown"
	if m := scopeService.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		service = m[1]
	}
	op := service + ":" + operationOf(r, form)
	p.mu.Lock()
	p.inFlight[service]++
	p.maxSeen[service] = max(p.maxSeen[service], p.inFlight[service])
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inFlight[service]--
		p.mu.Unlock()
	}()

	f := p.decide(op, body)
	if f == none && p.opts.DenyRequest != nil && p.opts.DenyRequest(op, r) {
		p.mu.Lock()
		p.injected.denials++
		p.mu.Unlock()
		f = deny
	}
	if p.opts.Latency > 0 {
		select {
		case <-time.After(p.opts.Latency):
		case <-r.Context().Done():
			return
		}
	}
	switch f {
	case throttle:
		writeErrorFor(w, r, service, http.StatusBadRequest, "Throttling", "Rate exceeded")
		return
	case deny:
		writeErrorFor(w, r, service, http.StatusForbidden, "AccessDenied", "User is not authorized to perform: "+op)
		return
	case drop:
		// Close the connection without an answer, as a failing load
		// balancer would.
		hj, ok := w.(http.Hijacker)
		if !ok {
			http.Error(w, "awsproxy: connection cannot be hijacked", http.StatusInternalServerError)
			return
		}
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	if h := p.opts.Handlers[service]; h != nil {
		h.ServeHTTP(w, r)
		return
	}
	if p.opts.PageSize > 0 && op == "iam:GetAccountAuthorizationDetails" {
		p.paginate(w, r, form)
		return
	}
	p.forward.ServeHTTP(w, r)
}

// decide records the request and picks its fault.
func (p *Proxy) decide(op string, body []byte) fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ops = append(p.ops, op)
	for _, d := range p.opts.Deny {
		if d == op {
			p.injected.denials++
			return deny
		}
	}
	fo := p.opts.Faults
	if fo.Seed == 0 || p.injected.throttles+p.injected.drops >= fo.Max {
		return none
	}
	// Query-protocol bodies hold only the operation and its parameters
	// (signatures travel in headers), so the body names a request across
	// its retries.
	key := string(body)
	attempt := p.attempts[key]
	p.attempts[key]++
	h := fnv.New64a()
	var seed [8]byte
	binary.LittleEndian.PutUint64(seed[:], fo.Seed)
	h.Write(seed[:])
	h.Write([]byte(key))
	sum := h.Sum64()
	if int(sum%100) >= fo.Percent {
		return none
	}
	// Selected: one or two faults, each a throttle or a drop.
	n := 1 + int(sum>>8%2)
	if attempt >= n {
		return none
	}
	if (sum>>(16+attempt))%2 == 0 {
		p.injected.throttles++
		return throttle
	}
	p.injected.drops++
	return drop
}

// operationOf names a request's operation in any of the AWS protocols.
func operationOf(r *http.Request, form url.Values) string {
	if a := form.Get("Action"); a != "" {
		return a
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		_, op, _ := strings.Cut(t, ".")
		return op
	}
	op := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		op += "?" + r.URL.RawQuery
	}
	return op
}

// writeErrorFor answers with an AWS error in the request's protocol: JSON
// (X-Amz-Target, and Lambda's REST-JSON), S3's REST-XML, else the query
// protocol's XML. SDKs read the code only from their own protocol's shape.
func writeErrorFor(w http.ResponseWriter, r *http.Request, service string, status int, code, msg string) {
	switch {
	case r.Header.Get("X-Amz-Target") != "" || service == "lambda":
		if code == "AccessDenied" {
			code = "AccessDeniedException"
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, msg)
	case service == "s3":
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<Error><Code>%s</Code><Message>%s</Message><RequestId>awsproxy</RequestId></Error>`, code, xmlEscape(msg))
	default:
		writeError(w, status, code, msg)
	}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>awsproxy</RequestId></ErrorResponse>`,
		code, xmlEscape(msg))
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// gaadResult is the part of moto's GAAD answer the proxy re-pages: each
// list's members as raw XML.
type gaadResult struct {
	Users    rawList `xml:"GetAccountAuthorizationDetailsResult>UserDetailList"`
	Groups   rawList `xml:"GetAccountAuthorizationDetailsResult>GroupDetailList"`
	Roles    rawList `xml:"GetAccountAuthorizationDetailsResult>RoleDetailList"`
	Policies rawList `xml:"GetAccountAuthorizationDetailsResult>Policies"`
}

type rawList struct {
	Members []struct {
		Inner string `xml:",innerxml"`
	} `xml:"member"`
}

var gaadLists = []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}

// paginate answers GAAD one page at a time from moto's complete answer,
// fetched once per filter set. Members keep moto's order: users, groups,
// roles, policies.
func (p *Proxy) paginate(w http.ResponseWriter, r *http.Request, form url.Values) {
	var filters []string
	for k, v := range form {
		if strings.HasPrefix(k, "Filter.member.") {
			filters = append(filters, v...)
		}
	}
	sort.Strings(filters)
	key := strings.Join(filters, ",")

	p.mu.Lock()
	members, ok := p.pages[key]
	p.mu.Unlock()
	if !ok {
		rec := httptest.NewRecorder()
		p.forward.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		var res gaadResult
		if err := xml.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			http.Error(w, "awsproxy: moto's GAAD answer: "+err.Error(), http.StatusBadGateway)
			return
		}
		for i, l := range []rawList{res.Users, res.Groups, res.Roles, res.Policies} {
			for _, m := range l.Members {
				if i == 3 && p.opts.InUseAWSPoliciesOnly && unusedAWSPolicy(m.Inner) {
					continue
				}
				members = append(members, gaadLists[i]+"\x00"+m.Inner)
			}
		}
		p.mu.Lock()
		p.pages[key] = members
		p.mu.Unlock()
	}

	start := 0
	if m := form.Get("Marker"); m != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(m, "awsproxy-"))
		if err != nil || n < 0 || n > len(members) {
			writeError(w, http.StatusBadRequest, "InvalidInput", "Invalid Marker")
			return
		}
		start = n
	}
	size := p.opts.PageSize
	if mi, err := strconv.Atoi(form.Get("MaxItems")); err == nil && mi > 0 && mi < size {
		size = mi
	}
	end := min(start+size, len(members))

	byList := map[string][]string{}
	for _, m := range members[start:end] {
		list, inner, _ := strings.Cut(m, "\x00")
		byList[list] = append(byList[list], inner)
	}
	var b strings.Builder
	b.WriteString(`<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult>`)
	for _, list := range gaadLists {
		b.WriteString("<" + list + ">")
		for _, inner := range byList[list] {
			b.WriteString("<member>" + inner + "</member>")
		}
		b.WriteString("</" + list + ">")
	}
	if end < len(members) {
		fmt.Fprintf(&b, "<IsTruncated>true</IsTruncated><Marker>awsproxy-%d</Marker>", end)
	} else {
		b.WriteString("<IsTruncated>false</IsTruncated>")
	}
	b.WriteString(`</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>awsproxy</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`)
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, b.String())
}

// unusedAWSPolicy reports whether a GAAD policy member is an AWS managed
// policy with no attachments.
func unusedAWSPolicy(inner string) bool {
	return strings.Contains(inner, "<Arn>arn:aws:iam::aws:policy/") &&
		strings.Contains(inner, "<AttachmentCount>0</AttachmentCount>")
}
