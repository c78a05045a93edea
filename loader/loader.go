// Package loader turns sources into model snapshots: iamx snapshot files,
// get-account-authorization-details output in the CLI's form and the raw API
// form, gzip of either, and the embedded demo account; and writes snapshots.
package loader
