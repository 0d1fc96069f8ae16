"""Contender (b) under ``/drf/``."""

from rest_framework.routers import SimpleRouter

from .drf import ToDoViewSet

router = SimpleRouter()
router.register("todo", ToDoViewSet, basename="todo")
urlpatterns = router.urls
