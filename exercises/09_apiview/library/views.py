"""Tasks 1-5: two APIView endpoints with every component set on the view.

    /api/<version>/books/           BookList    GET (anyone), POST (a user)
    /api/<version>/books/<int:pk>/  BookDetail  GET (anyone), PUT, PATCH, DELETE (the owner)

Set the components on both views (on each class, or once on a base class of your own):
    authentication_classes  task 1
    permission_classes      task 2
    throttle_classes        task 3
    versioning_class, parser_classes, renderer_classes   task 4
"""

from rest_framework.views import APIView


class BookList(APIView):
    def get(self, request, version):
        raise NotImplementedError("BookList.get: task 2")

    def post(self, request, version):
        raise NotImplementedError("BookList.post: task 2")


class BookDetail(APIView):
    def get(self, request, version, pk):
        raise NotImplementedError("BookDetail.get: task 2")

    def put(self, request, version, pk):
        raise NotImplementedError("BookDetail.put: task 2")

    def patch(self, request, version, pk):
        raise NotImplementedError("BookDetail.patch: task 2")

    def delete(self, request, version, pk):
        raise NotImplementedError("BookDetail.delete: task 2")
