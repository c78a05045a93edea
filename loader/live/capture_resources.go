package live

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
)

// StreamResources is the progress stream of the resource-policy capture.
const StreamResources = "Resources"

// CheckServices validates a --services list: names from ResourceServices,
// or "all" for every one.
func CheckServices(list []string) ([]string, error) {
	var out []string
	for _, s := range list {
		s = strings.ToLower(strings.TrimSpace(s))
		switch {
		case s == "":
		case s == "all":
			return slices.Clone(ResourceServices), nil
		case slices.Contains(ResourceServices, s):
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		default:
			return nil, fmt.Errorf("--services: %q is not one of %s (or all)", s, strings.Join(ResourceServices, ", "))
		}
	}
	return out, nil
}

// captureResources reads the selected services' resource policies and the
// organization into snap (format version 2), through the loader so the
// documents are parsed and faults reported as for a file.
func (c *capture) captureResources(ctx context.Context, cfg aws.Config, account string, snap *model.Snapshot) error {
	services, err := CheckServices(c.opts.Services)
	if err != nil {
		return err
	}
	regions := c.opts.Regions
	if len(regions) == 0 {
		regions = []string{cfg.Region}
	}
	c.progress(Progress{Stream: StreamResources})
	rc := &resourceCapture{cfg: cfg, account: account}
	rc.guard = func(apiOptions *[]func(*middleware.Stack) error) {
		*apiOptions = append(*apiOptions, addAllowlistGuard)
		if c.opts.observe != nil {
			*apiOptions = append(*apiOptions, func(stack *middleware.Stack) error {
				return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("iamxObserve",
					func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
						c.opts.observe(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
						return next.HandleInitialize(ctx, in)
					}), middleware.After)
			})
		}
	}
	rc.run(ctx, services, regions)
	if cerr := cancelled(ctx); cerr != nil {
		return cerr
	}
	if err := loader.AttachSections(snap, rc.resources, rc.org, rc.coverage); err != nil {
		return fmt.Errorf("live capture: resources: %w", err)
	}
	incomplete := 0
	for _, cv := range rc.coverage {
		if cv.State != model.CoverageComplete {
			incomplete++
		}
	}
	p := Progress{Stream: StreamResources, Pages: len(rc.coverage), Items: len(rc.resources), Done: true}
	if incomplete > 0 {
		p.Warning = fmt.Sprintf("%d service/region reads incomplete (see coverage)", incomplete)
	}
	c.progress(p)
	return nil
}
