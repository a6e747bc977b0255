"""The rows the services hand out, named here for the layers above (``api/`` never imports ``agent.db``:
it asks a service, and reads what the service returns as these types)."""

from agent.db.models import Event as Event
from agent.db.models import Handoff as Handoff
from agent.db.models import Lead as Lead
from agent.db.models import Task as Task
from agent.db.models import Touch as Touch
from agent.db.models import User as User
