from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "continuum.notifications"
    verbose_name = "Notifications"

    def ready(self):
        from continuum import workflow
        from continuum.portal import navigation
        from continuum.portal import views as portal

        from . import workspace
        from .dispatch import after_step

        if after_step not in workflow.AFTER_STEP:
            workflow.AFTER_STEP.append(after_step)
        navigation.COUNTS["attention"] = workspace.attention_count
        navigation.COUNTS["unread"] = workspace.unread_count
        if workspace.context not in portal.WORKSPACE_CONTEXT:
            portal.WORKSPACE_CONTEXT.append(workspace.context)
