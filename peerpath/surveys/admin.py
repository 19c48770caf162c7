from django.contrib import admin

from peerpath.surveys.models import Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "run", "status", "opens_at", "closes_at", "anonymous"]
    list_filter = ["status", "anonymous"]
    inlines = [QuestionInline]
