import datetime

from django.db import migrations, models
from django.utils.crypto import salted_hmac

SESSION_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"  # as get_session_auth_hash


def existing_tokens_expire_and_follow_the_password(apps, schema_editor):
    """Tokens issued before expiry existed get the ordinary 90 days from their issue, and the owner's password as
    it is now (a later change ends them)."""
    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        token.expires_at = token.created_at + datetime.timedelta(days=90)
        token.password_stamp = salted_hmac(SESSION_SALT, token.user.password, algorithm="sha256").hexdigest()
        token.save(update_fields=["expires_at", "password_stamp"])


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_stamp",
            field=models.CharField(
                default="",
                editable=False,
                max_length=128,
                help_text="The owner's session hash at issue: a password change ends the token.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(existing_tokens_expire_and_follow_the_password, migrations.RunPython.noop),
        migrations.AlterField(model_name="apitoken", name="expires_at", field=models.DateTimeField()),
    ]
