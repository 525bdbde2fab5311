/*
 * pam.c - the pam-auth and system-auth backends (surface spec 4.5.2):
 * PAP passwords checked through Linux-PAM (service `mpd` or `-m`) or
 * against the system's shadow password database with crypt(3).  Both
 * need the plaintext password, so other protocols fall through to the
 * next backend, as in mpd5.  pam-acct opens a PAM session at accounting
 * Start and closes it at Stop, system-acct writes utmp/wtmp login and
 * logout records (acct.c).  Worker threads only: PAM modules
 * and NSS may block.
 */
#include "auth_local.h"

#include <crypt.h>
#include <security/pam_appl.h>
#include <shadow.h>
#include <sys/time.h>
#include <unistd.h>
#include <utmpx.h>
#include <stdlib.h>
#include <string.h>

#include "../core/global.h"
#include "../core/log.h"
#include "../ppp/proto.h"
#include "auth_proto.h"

void
pam_conf_fill(struct auth_req *r)
{
	util_strlcpy(r->pam_service, g_global.pam_service != NULL &&
	    g_global.pam_service[0] != '\0' ? g_global.pam_service : "mpd",
	    sizeof(r->pam_service));
}

/* The conversation: answer every prompt with the PAP password. */
static int
pam_conv_fn(int n, const struct pam_message **msg,
    struct pam_response **resp, void *appdata)
{
	struct pam_response *rs;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	rs = calloc((size_t)n, sizeof(*rs));
	if (rs == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			rs[i].resp = strdup(appdata);
			if (rs[i].resp == NULL)
				goto fail;
			break;
		default:
			break;
		}
	}
	*resp = rs;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		free(rs[i].resp);
	free(rs);
	return PAM_BUF_ERR;
}

void
pam_backend(struct auth_req *r)
{
	struct pam_conv conv = { pam_conv_fn, r->ext.password };
	pam_handle_t *ph = NULL;
	int rc;

	log_msg(LG_AUTH, "[%s] AUTH: Trying PAM", r->lnk);
	if (r->proto != PROTO_PAP) {
		log_msg(LG_AUTH, "[%s] AUTH: PAM supports PAP only", r->lnk);
		log_msg(LG_AUTH, "[%s] AUTH: PAM returned error", r->lnk);
		return;
	}
	rc = pam_start(r->pam_service, r->authname, &conv, &ph);
	if (rc != PAM_SUCCESS) {
		log_msg(LG_ERR, "[%s] AUTH: PAM error: %s", r->lnk,
		    pam_strerror(ph, rc));
		log_msg(LG_AUTH, "[%s] AUTH: PAM returned error", r->lnk);
		return;
	}
	if (r->ext.peer_addr[0] != '\0')
		(void)pam_set_item(ph, PAM_RHOST, r->ext.peer_addr);
	rc = pam_authenticate(ph, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(ph, PAM_SILENT);
	if (rc == PAM_SUCCESS)
		r->status = AUTH_STATUS_SUCCESS;
	else {
		log_msg(LG_AUTH, "[%s] AUTH: PAM error: %s", r->lnk,
		    pam_strerror(ph, rc));
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = rc == PAM_ACCT_EXPIRED ||
		    rc == PAM_NEW_AUTHTOK_REQD ? AUTH_FAIL_ACCT_DISABLED :
		    AUTH_FAIL_INVALID_LOGIN;
	}
	pam_end(ph, rc);
	log_msg(LG_AUTH, "[%s] AUTH: PAM returned: %s", r->lnk,
	    auth_status_text(r->status));
}

/* No prompts expected in session management: answer them empty. */
static int
pam_conv_none(int n, const struct pam_message **msg,
    struct pam_response **resp, void *appdata)
{
	(void)msg;
	(void)appdata;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
}

void *
pam_acct_open(const char *service, const char *user, const char *rhost,
    const char *lnk)
{
	static const struct pam_conv conv = { pam_conv_none, NULL };
	pam_handle_t *ph = NULL;
	int rc;

	rc = pam_start(service, user, &conv, &ph);
	if (rc != PAM_SUCCESS) {
		log_msg(LG_ERR, "[%s] ACCT: PAM error: %s", lnk,
		    pam_strerror(ph, rc));
		return NULL;
	}
	if (rhost != NULL && rhost[0] != '\0')
		(void)pam_set_item(ph, PAM_RHOST, rhost);
	rc = pam_open_session(ph, PAM_SILENT);
	if (rc != PAM_SUCCESS) {
		log_msg(LG_AUTH, "[%s] ACCT: PAM open session: %s", lnk,
		    pam_strerror(ph, rc));
		pam_end(ph, rc);
		return NULL;
	}
	log_msg(LG_AUTH2, "[%s] ACCT: PAM session opened", lnk);
	return ph;
}

void
pam_acct_close(void *handle, const char *lnk)
{
	pam_handle_t *ph = handle;
	int rc;

	if (ph == NULL)
		return;
	rc = pam_close_session(ph, PAM_SILENT);
	if (rc != PAM_SUCCESS)
		log_msg(LG_AUTH, "[%s] ACCT: PAM close session: %s", lnk,
		    pam_strerror(ph, rc));
	else
		log_msg(LG_AUTH2, "[%s] ACCT: PAM session closed", lnk);
	pam_end(ph, rc);
}

void
sys_acct_record(bool start, const char *line, const char *user,
    const char *host, const char *lnk)
{
	/* MPD_UTMP_FILE / MPD_WTMP_FILE: other files, for tests only */
	const char *utmp = getenv("MPD_UTMP_FILE");
	const char *wtmp = getenv("MPD_WTMP_FILE");
	struct utmpx ut;
	struct timeval tv;
	size_t n = strlen(line);

	memset(&ut, 0, sizeof(ut));
	ut.ut_type = start ? USER_PROCESS : DEAD_PROCESS;
	ut.ut_pid = getpid();
	strncpy(ut.ut_line, line, sizeof(ut.ut_line));
	/* ut_id: the line's last characters, as getty does */
	strncpy(ut.ut_id, n > sizeof(ut.ut_id) ? line + n -
	    sizeof(ut.ut_id) : line, sizeof(ut.ut_id));
	if (start) {
		strncpy(ut.ut_user, user, sizeof(ut.ut_user));
		strncpy(ut.ut_host, host, sizeof(ut.ut_host));
	}
	gettimeofday(&tv, NULL);
	ut.ut_tv.tv_sec = (int32_t)tv.tv_sec;
	ut.ut_tv.tv_usec = (int32_t)tv.tv_usec;
	if (utmpxname(utmp != NULL ? utmp : _PATH_UTMPX) == 0) {
		setutxent();
		if (pututxline(&ut) == NULL)
			log_perr(LG_ERR, "[%s] ACCT: can't write utmp", lnk);
		endutxent();
	}
	updwtmpx(wtmp != NULL ? wtmp : _PATH_WTMPX, &ut);
}

void
system_backend(struct auth_req *r)
{
	struct spwd sp, *res = NULL;
	struct crypt_data *cd;
	char buf[1024];
	const char *h;

	log_msg(LG_AUTH, "[%s] AUTH: Trying SYSTEM", r->lnk);
	if (r->proto != PROTO_PAP) {
		log_msg(LG_AUTH, "[%s] AUTH: SYSTEM supports PAP only",
		    r->lnk);
		log_msg(LG_AUTH, "[%s] AUTH: SYSTEM returned error", r->lnk);
		return;
	}
	if (getspnam_r(r->authname, &sp, buf, sizeof(buf), &res) != 0 ||
	    res == NULL || res->sp_pwdp == NULL || res->sp_pwdp[0] == '\0' ||
	    res->sp_pwdp[0] == '!' || res->sp_pwdp[0] == '*') {
		log_msg(LG_AUTH, "[%s] AUTH: User \"%s\" not found in the "
		    "systems database", r->lnk, r->authname);
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_INVALID_LOGIN;
		goto out;
	}
	cd = calloc(1, sizeof(*cd));
	if (cd == NULL)
		goto out;
	h = crypt_r(r->ext.password, res->sp_pwdp, cd);
	if (h != NULL && strcmp(h, res->sp_pwdp) == 0)
		r->status = AUTH_STATUS_SUCCESS;
	else {
		r->status = AUTH_STATUS_FAIL;
		r->why_fail = AUTH_FAIL_INVALID_LOGIN;
	}
	memset(cd, 0, sizeof(*cd));
	free(cd);
out:
	memset(buf, 0, sizeof(buf));
	log_msg(LG_AUTH, "[%s] AUTH: SYSTEM returned: %s", r->lnk,
	    auth_status_text(r->status));
}
