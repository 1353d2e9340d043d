package cli

import "sockfetch/fetch"

// formBody sets r's body to the multipart/form-data of the -F and
// --form-string arguments.
func (a *app) formBody(r *fetch.Request, form []bodyArg) error {
	return usageErr("-F is not supported yet")
}
