/* summary: -Z USER: drop root after the capture is open (uid, gid, supplementary groups), like
 * tcpdump; the open capture socket keeps working and can still take new filters. */
#include "nbt/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static bool privdrop_fail(char *errbuf, size_t errsize, const char *what, const char *user)
{
	snprintf(errbuf, errsize, "-Z %s: %s%s%s", user, what, errno ? ": " : "",
	         errno ? strerror(errno) : "");
	return false;
}

bool privdrop_to(const char *user, const char **dropped_to, char *errbuf, size_t errsize)
{
	*dropped_to = NULL;
	bool is_root = geteuid() == 0;
	if (!user) {
		if (!is_root)
			return true;
		user = PRIVDROP_DEFAULT_USER;
	}
	errno = 0;
	const struct passwd *pw = getpwnam(user);
	if (!pw)
		return privdrop_fail(errbuf, errsize, "no such user", user);
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (uid == 0 || (!is_root && uid == getuid()))
		return true; /* staying who we are */
	errno = 0;
	if (!is_root)
		return privdrop_fail(errbuf, errsize, "only root can change user", user);
	/* Groups first: after setuid there is no right left to change them (setgroups(2)). */
	if (initgroups(pw->pw_name, gid) != 0)
		return privdrop_fail(errbuf, errsize, "initgroups", user);
	if (setgid(gid) != 0)
		return privdrop_fail(errbuf, errsize, "setgid", user);
	if (setuid(uid) != 0)
		return privdrop_fail(errbuf, errsize, "setuid", user);
	/* For good: a process that could get root back has not dropped it. */
	if (setuid(0) == 0 || geteuid() != uid || getegid() != gid) {
		errno = 0;
		return privdrop_fail(errbuf, errsize, "root could be regained", user);
	}
	*dropped_to = user;
	return true;
}
