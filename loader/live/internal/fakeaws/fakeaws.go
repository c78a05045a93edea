// Package fakeaws answers the read calls of the resource-policy capture for
// S3, KMS and SQS from an account held in memory, in each service's wire
// protocol (S3's REST-XML, KMS's JSON 1.1, SQS's JSON 1.0), so the
// capture's benchmark can run at a scale (a thousand buckets) that moto is
// slow to build and to serve. It answers only what the capture asks; any
// other request is a 400 naming it, so a new call shows up at once.
package fakeaws

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Account is what the fake serves.
type Account struct {
	ID      string
	Region  string
	Buckets []Bucket
	Keys    []Key
	Queues  []Queue
}

// Bucket is an S3 bucket: its policy ("" for none) and whether ACLs are
// disabled (BucketOwnerEnforced).
type Bucket struct {
	Name     string
	Policy   string
	Enforced bool
}

// Key is a KMS key with its key policy.
type Key struct {
	ID     string
	Policy string
}

// Queue is an SQS queue with its policy ("" for none).
type Queue struct {
	Name   string
	Policy string
}

// Generate builds an account of n buckets, keys and queues: every third
// bucket and queue has a policy naming another account, every key a policy
// delegating to its account, one bucket in ten still has ACLs enabled.
func Generate(account, region string, buckets, keys, queues int) *Account {
	a := &Account{ID: account, Region: region}
	for i := range buckets {
		b := Bucket{Name: fmt.Sprintf("bucket-%05d", i), Enforced: i%10 != 0}
		if i%3 == 0 {
			b.Policy = `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + b.Name + `/*"}]}`
		}
		a.Buckets = append(a.Buckets, b)
	}
	for i := range keys {
		a.Keys = append(a.Keys, Key{ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i),
			Policy: `{"Version":"2012-10-17","Statement":[{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}]}`})
	}
	for i := range queues {
		q := Queue{Name: fmt.Sprintf("queue-%05d", i)}
		if i%3 == 0 {
			q.Policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sqs:SendMessage","Resource":"*"}]}`
		}
		a.Queues = append(a.Queues, q)
	}
	return a
}

// ServeHTTP answers one request.
func (a *Account) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	svc := "s3"
	switch {
	case strings.HasPrefix(target, "TrentService."):
		svc = "kms"
	case strings.HasPrefix(target, "AmazonSQS."):
		svc = "sqs"
	}
	body, _ := io.ReadAll(r.Body)
	switch svc {
	case "kms":
		a.kms(w, strings.TrimPrefix(target, "TrentService."), body)
	case "sqs":
		a.sqs(w, strings.TrimPrefix(target, "AmazonSQS."), body)
	default:
		a.s3(w, r)
	}
}

func unknown(w http.ResponseWriter, what string) {
	http.Error(w, "fakeaws: no answer for "+what, http.StatusBadRequest)
}

// --- S3 (REST-XML, path-style) ---

const s3NS = `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`

func (a *Account) s3(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	q := r.URL.Query()
	if path == "" && r.Method == http.MethodGet {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult ` + s3NS + `><Owner><ID>owner</ID></Owner><Buckets>`)
		for _, bk := range a.Buckets {
			b.WriteString("<Bucket><Name>" + bk.Name + "</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>")
		}
		b.WriteString("</Buckets></ListAllMyBucketsResult>")
		writeXML(w, b.String())
		return
	}
	var bk *Bucket
	for i := range a.Buckets {
		if a.Buckets[i].Name == path {
			bk = &a.Buckets[i]
			break
		}
	}
	if bk == nil || r.Method != http.MethodGet {
		s3Error(w, http.StatusNotFound, "NoSuchBucket")
		return
	}
	switch {
	case q.Has("location"):
		writeXML(w, `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint `+s3NS+`></LocationConstraint>`)
	case q.Has("policy"):
		if bk.Policy == "" {
			s3Error(w, http.StatusNotFound, "NoSuchBucketPolicy")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, bk.Policy)
	case q.Has("policyStatus"):
		writeXML(w, `<PolicyStatus `+s3NS+`><IsPublic>false</IsPublic></PolicyStatus>`)
	case q.Has("publicAccessBlock"):
		s3Error(w, http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration")
	case q.Has("ownershipControls"):
		own := "ObjectWriter"
		if bk.Enforced {
			own = "BucketOwnerEnforced"
		}
		writeXML(w, `<OwnershipControls `+s3NS+`><Rule><ObjectOwnership>`+own+`</ObjectOwnership></Rule></OwnershipControls>`)
	case q.Has("acl"):
		writeXML(w, `<AccessControlPolicy `+s3NS+`><Owner><ID>owner</ID></Owner><AccessControlList><Grant>`+
			`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>owner</ID></Grantee>`+
			`<Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	default:
		unknown(w, "S3 GET /"+path+"?"+r.URL.RawQuery)
	}
}

func writeXML(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "application/xml")
	io.WriteString(w, s)
}

func s3Error(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	var msg strings.Builder
	xml.EscapeText(&msg, []byte(code))
	fmt.Fprintf(w, `<Error><Code>%s</Code><Message>%s</Message><RequestId>fakeaws</RequestId></Error>`, code, msg.String())
}

// --- KMS (JSON 1.1) ---

func (a *Account) keyARN(id string) string {
	return "arn:aws:kms:" + a.Region + ":" + a.ID + ":key/" + id
}

func (a *Account) kms(w http.ResponseWriter, op string, body []byte) {
	var in struct {
		KeyID  string `json:"KeyId"`
		Marker string
		Limit  int
	}
	json.Unmarshal(body, &in)
	id := in.KeyID[strings.LastIndexByte(in.KeyID, '/')+1:]
	switch op {
	case "ListKeys":
		limit := in.Limit
		if limit <= 0 || limit > 1000 {
			limit = 100
		}
		start, _ := strconv.Atoi(in.Marker)
		end := min(start+limit, len(a.Keys))
		var keys []map[string]string
		for _, k := range a.Keys[start:end] {
			keys = append(keys, map[string]string{"KeyId": k.ID, "KeyArn": a.keyARN(k.ID)})
		}
		out := map[string]any{"Keys": keys, "Truncated": end < len(a.Keys)}
		if end < len(a.Keys) {
			out["NextMarker"] = strconv.Itoa(end)
		}
		writeJSON(w, "1.1", out)
	case "DescribeKey":
		writeJSON(w, "1.1", map[string]any{"KeyMetadata": map[string]any{"KeyId": id, "Arn": a.keyARN(id), "AWSAccountId": a.ID,
			"KeyManager": "CUSTOMER", "KeyState": "Enabled", "Enabled": true}})
	case "GetKeyPolicy":
		for _, k := range a.Keys {
			if k.ID == id {
				writeJSON(w, "1.1", map[string]any{"Policy": k.Policy, "PolicyName": "default"})
				return
			}
		}
		jsonError(w, "1.1", "NotFoundException")
	case "ListGrants":
		writeJSON(w, "1.1", map[string]any{"Grants": []any{}, "Truncated": false})
	default:
		unknown(w, "KMS "+op)
	}
}

// --- SQS (JSON 1.0) ---

func (a *Account) sqs(w http.ResponseWriter, op string, body []byte) {
	var in struct {
		QueueURL  string `json:"QueueUrl"`
		NextToken string
	}
	json.Unmarshal(body, &in)
	switch op {
	case "ListQueues":
		// AWS returns up to 1,000 URLs without MaxResults.
		start, _ := strconv.Atoi(in.NextToken)
		end := min(start+1000, len(a.Queues))
		urls := []string{}
		for _, q := range a.Queues[start:end] {
			urls = append(urls, "https://sqs."+a.Region+".amazonaws.com/"+a.ID+"/"+q.Name)
		}
		out := map[string]any{"QueueUrls": urls}
		if end < len(a.Queues) {
			out["NextToken"] = strconv.Itoa(end)
		}
		writeJSON(w, "1.0", out)
	case "GetQueueAttributes":
		name := in.QueueURL[strings.LastIndexByte(in.QueueURL, '/')+1:]
		for _, q := range a.Queues {
			if q.Name == name {
				attrs := map[string]string{"QueueArn": "arn:aws:sqs:" + a.Region + ":" + a.ID + ":" + q.Name}
				if q.Policy != "" {
					attrs["Policy"] = q.Policy
				}
				writeJSON(w, "1.0", map[string]any{"Attributes": attrs})
				return
			}
		}
		jsonError(w, "1.0", "QueueDoesNotExist")
	default:
		unknown(w, "SQS "+op)
	}
}

func writeJSON(w http.ResponseWriter, version string, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	json.NewEncoder(w).Encode(v)
}

func jsonError(w http.ResponseWriter, version, code string) {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `{"__type":%q,"message":"fakeaws"}`, code)
}
